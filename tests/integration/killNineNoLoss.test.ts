import { afterEach, expect, it } from 'vitest'
import { connectClient, type StockClient, syncedClient } from '../helpers/client.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * "Acknowledged means durable", seen from a stock client: once the relay has forwarded an
 * edit to anyone, a crash must not lose it. Relays that store on a debounce lose up to all of
 * the recent edits here. The kill happens synchronously inside the reader's update handler,
 * so the relay gets no time between forwarding and dying.
 */

const EDITS = 200
const clients: StockClient[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  killAllServers()
  for (const d of dirs.splice(0)) await removeDir(d)
})

/** Edits go into a Y.Array as unique ids, each in its own transaction (one frame each). */
async function run(killWhenReaderHas: number, pace: boolean) {
  const dir = await makeTempDir('kill9')
  dirs.push(dir)
  const server = await spawnServer({ dataDir: dir })
  const writer = await syncedClient(server.url, 'kill9-doc')
  const reader = await syncedClient(server.url, 'kill9-doc')
  clients.push(writer, reader)
  let received: string[] = []
  let killed = false
  reader.doc.getArray<string>('edits').observe(() => {
    // updated after the kill too: bytes the relay wrote before dying were forwarded all the same
    received = reader.doc.getArray<string>('edits').toArray()
    if (!killed && received.length >= killWhenReaderHas) {
      killed = true
      server.child.kill('SIGKILL')
    }
  })
  const edits = writer.doc.getArray<string>('edits')
  for (let i = 0; i < EDITS && !killed; i++) {
    edits.push([`edit-${i}`])
    // paced: the writer waits until the reader has each edit, the crash lands mid-stream
    if (pace) await waitUntil(`reader has edit ${i}`, () => killed || received.length > i)
  }
  await waitUntil(`the reader has ${killWhenReaderHas} edits (then the server is killed)`, () => killed, {
    timeoutMs: 20_000,
  })
  await server.kill9()
  for (const c of clients.splice(0)) c.destroy()

  const restarted = await spawnServer({ dataDir: dir })
  let atFirstSync: string[] = []
  const fresh = connectClient(restarted.url, 'kill9-doc', {
    onFirstSync: (doc) => {
      atFirstSync = doc.getArray<string>('edits').toArray()
    },
  })
  clients.push(fresh)
  await waitUntil('fresh client synced after the crash', () => fresh.provider.synced, { timeoutMs: 15_000 })
  await restarted.terminate()
  return { received, atFirstSync }
}

it(`loses none of ${EDITS} edits forwarded to a second client before a kill -9`, async () => {
  const { received, atFirstSync } = await run(EDITS, false)
  expect(received).toHaveLength(EDITS)
  const lost = received.filter((id) => !atFirstSync.includes(id))
  console.log(`kill -9 after ${EDITS} forwarded edits: ${EDITS - lost.length}/${EDITS} present, ${lost.length} lost`)
  expect(lost).toEqual([])
  expect(new Set(atFirstSync).size).toBe(atFirstSync.length)
})

it('keeps every edit a second client had received when the kill lands mid-stream', async () => {
  const { received, atFirstSync } = await run(123, true)
  expect(received.length).toBeGreaterThanOrEqual(123)
  const lost = received.filter((id) => !atFirstSync.includes(id))
  console.log(`kill -9 mid-stream: reader had ${received.length}, ${lost.length} lost after restart`)
  expect(lost).toEqual([])
})
