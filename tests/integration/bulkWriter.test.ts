import { CloseCode, encodeSyncStep1 } from '@tandem/protocol'
import { createLogger, type Relay, startRelay } from '@tandem/server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'

/**
 * A bulk import through a stock client, with the default limits: the relay slows the writer
 * down (stops reading its socket, TCP pushes back) instead of cutting it off, so all of it is
 * stored. A writer that floods without reading what it is sent is still closed, and other
 * rooms keep getting their deliveries meanwhile.
 */

// A stock client closes a socket it heard nothing on for 30 s, and a writer being slowed down
// hears nothing of its own import: the relay sends quiet sockets an empty presence update every
// 10 s, so even a long import under load is never cut off by its own client.
const BULK = 100_000
/** Digit `i` of the imported text: a known content to compare what a fresh client loads against. */
const digit = (i: number) => String(i % 10)
let relay: Relay
let dir: string
const clients: StockClient[] = []

beforeAll(async () => {
  dir = await makeTempDir('bulk')
  relay = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent') })
})

afterAll(async () => {
  for (const c of clients) c.destroy()
  await relay?.close()
  await removeDir(dir)
})

async function client(doc: string): Promise<StockClient> {
  const c = await syncedClient(relay.url, doc)
  clients.push(c)
  return c
}

/** Another room where one client writes and another must receive it; returns a check. */
async function bystanderRoom(name: string): Promise<(label: string) => Promise<void>> {
  const [a, b] = [await client(name), await client(name)]
  let n = 0
  return async (label) => {
    n++
    a.doc.getArray<number>('pings').push([n])
    await waitUntil(`${label}: the other room gets delivery ${n}`, () => b.doc.getArray('pings').length === n, {
      timeoutMs: 20_000,
    })
  }
}

it(`a stock client writing ${BULK} updates at once is slowed, not disconnected, and all of it is stored`, async () => {
  const ping = await bystanderRoom('bystander-bulk')
  const watcher = await client('bulk')
  const writer = await client('bulk')
  let closes = 0
  writer.provider.on('connection-close', () => closes++)
  // Text, one character per update (each its own message). Not a Y.Array of numbers: Yjs merges
  // one client's consecutive array items into one and copies the whole merged array on every
  // push (ContentAny.mergeWith concatenates), so such an import is quadratic in every Y.Doc it
  // reaches, the writer's own included, whatever the relay does.
  const text = writer.doc.getText('bulk')
  for (let i = 0; i < BULK; i++) text.insert(i, digit(i))
  await ping('while the bulk import is in flight')
  await waitUntil('the watcher has every update', () => watcher.doc.getText('bulk').length === BULK, {
    timeoutMs: 240_000,
    intervalMs: 50,
  })
  expect(closes, 'the writer was never disconnected').toBe(0)
  const fresh = await client('bulk')
  expect(fresh.doc.getText('bulk').toString()).toBe(Array.from({ length: BULK }, (_, i) => digit(i)).join(''))
}, 300_000)

it('a client that floods without reading its socket is still closed; other rooms keep their deliveries', async () => {
  const ping = await bystanderRoom('bystander-flood')
  const owner = await client('flood')
  owner.doc.getText('t').insert(0, 'x'.repeat(64 * 1024))
  await waitUntil('the content is stored', () => relay.metrics.value('tandem_bytes_in_total') > 64 * 1024)
  const raw = await openRaw(`${relay.url}/flood`)
  // never read: every step 1 asks for the whole document back
  raw.ws.pause()
  const step1 = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()))
  const flood = setInterval(() => {
    for (let i = 0; i < 200 && !raw.isClosed(); i++) raw.ws.send(step1)
  }, 1)
  try {
    const { code } = await withTimeout('the flooder is closed', raw.closed, 60_000)
    // a socket that never reads cannot read the close frame either: it sees the cut (1006)
    expect([CloseCode.RateLimited, CloseCode.SlowReader, 1006]).toContain(code)
  } finally {
    clearInterval(flood)
    raw.ws.terminate()
  }
  await ping('after the flood')
})

it('a stock client on a quiet document hears an empty presence update, so it never times out', async () => {
  const quietDir = await makeTempDir('keepalive')
  const quiet = await startRelay({ port: 0, dataDir: quietDir, logger: createLogger('silent'), keepaliveMs: 100 })
  try {
    const raw = await openRaw(`${quiet.url}/quiet`)
    raw.ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await waitUntil('the relay answered the sync', () => raw.received.length >= 2)
    const before = raw.received.length
    await waitUntil('a keepalive arrives on the quiet socket', () => raw.received.length > before, { timeoutMs: 2_000 })
    const frame = raw.received[before]!
    // Awareness (1) with an update listing no clients: nothing a client applies changes.
    expect([...frame]).toEqual([1, 1, 0])
    raw.ws.terminate()
  } finally {
    await quiet.close()
    await removeDir(quietDir)
  }
})
