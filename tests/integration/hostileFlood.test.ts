import { CloseCode, closeCodeName, encodeUpdate } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { assertUnharmed, prepareVictim } from '../helpers/hostile.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { rssBytes, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * A flood of valid updates, sent as fast as a socket takes them. The relay may accept them
 * all or cut the sender off (rate limit), but it must stay up, keep its memory bounded, keep
 * what it accepted in order (a prefix of what was sent), and leave everything else alone.
 */

// more than a burst allowance of a few seconds at any sane per-connection rate
const FLOOD = 20_000
let server: ServerProcess
let dir: string
let bystanders: [StockClient, StockClient]
const watchers: StockClient[] = []

beforeAll(async () => {
  dir = await makeTempDir('flood')
  server = await spawnServer({ dataDir: dir })
  bystanders = [await syncedClient(server.url, 'bystander'), await syncedClient(server.url, 'bystander')]
})

afterAll(async () => {
  for (const c of [...watchers, ...(bystanders ?? [])]) c.destroy()
  if (server?.alive()) await server.terminate()
  await removeDir(dir)
})

const digit = (i: number) => String(i % 10)
const sent = Array.from({ length: FLOOD }, (_, i) => digit(i)).join('')

/**
 * One frame per update, each depending on the one before (same client, growing clock). Text,
 * not a Y.Array: Yjs copies one client's merged array item on every push, so an array flood
 * is quadratic in every Y.Doc it reaches and would time the test out, not the relay.
 */
function floodFrames(count: number): Uint8Array[] {
  const doc = new Y.Doc()
  const frames: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => frames.push(encodeUpdate(u)))
  for (let i = 0; i < count; i++) doc.getText('flood').insert(i, digit(i))
  doc.destroy()
  return frames
}

it(`survives ${FLOOD} valid updates sent at once, keeping an in-order prefix`, async () => {
  const v = await prepareVictim(server, 'victim-flood')
  watchers.push(v.watcher)
  const rssBefore = await rssBytes(server.child.pid!)
  const raw = await openRaw(`${server.url}/${v.name}`)
  for (const f of floodFrames(FLOOD)) raw.ws.send(f)
  const floodOf = (c: StockClient) => c.doc.getText('flood').length
  await waitUntil('the flood is relayed or the flooder cut off', () => floodOf(v.watcher) === FLOOD || raw.isClosed(), {
    timeoutMs: 30_000,
  })
  if (raw.isClosed()) {
    const { code } = await raw.closed
    console.log(`flood: sender closed with ${code} (${closeCodeName(code)}) after ${floodOf(v.watcher)} updates`)
    expect(code).toBe(CloseCode.RateLimited)
  }
  raw.ws.terminate()

  const fresh = await syncedClient(server.url, v.name)
  try {
    const got = fresh.doc.getText('flood').toString()
    expect(got).toBe(sent.slice(0, got.length))
    if (!raw.isClosed()) expect(got).toHaveLength(FLOOD)
    // what was accepted reached the room too, no more and no less
    await waitUntil('the watcher holds what was stored', () => floodOf(v.watcher) === got.length)
  } finally {
    fresh.destroy()
  }
  expect(await rssBytes(server.child.pid!)).toBeLessThan(rssBefore + 200 * 1024 * 1024)
  await assertUnharmed(server, v, bystanders)
})
