import { join } from 'node:path'
import { SqliteDocStorage } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { connectClient, docFingerprint, type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay } from '../helpers/relay.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { SlowLoadStorage } from '../helpers/slowStorage.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * Load before serve: after a restart, a client's FIRST sync must already hold the whole stored
 * document. A relay that answers before loading sends an empty step 2, the client reports
 * `synced` on an empty doc, and an editor shows a blank page (or worse, the user retypes).
 * So the document is read inside the first `sync` event, never after waiting.
 */

const clients: StockClient[] = []
const dirs: string[] = []
const shape = { text: ['text'], map: ['map'] }

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  killAllServers()
  for (const d of dirs.splice(0)) await removeDir(d)
})

/** Many small updates, so loading replays a long log and takes real time. */
async function writeDocument(url: string, name: string, edits: number): Promise<string> {
  const writer = await syncedClient(url, name)
  const reader = await syncedClient(url, name)
  clients.push(writer, reader)
  const text = writer.doc.getText('text')
  for (let i = 0; i < edits; i++) {
    text.insert(text.length, String.fromCharCode(97 + (i % 26)))
    if (i % 100 === 0) writer.doc.getMap('map').set(`k${i}`, i)
  }
  const expected = docFingerprint(writer.doc, shape)
  // received by a second client = forwarded = committed, by the relay's contract
  await waitUntil('the reader has every edit', () => docFingerprint(reader.doc, shape) === expected, {
    timeoutMs: 20_000,
  })
  for (const c of clients.splice(0)) c.destroy()
  return expected
}

/** Several fresh clients at once, each reporting what it held at its first sync. */
async function firstSyncStates(url: string, name: string, count: number): Promise<string[]> {
  const seen: string[] = []
  for (let i = 0; i < count; i++) {
    clients.push(connectClient(url, name, { onFirstSync: (doc) => seen.push(docFingerprint(doc, shape)) }))
  }
  await waitUntil(`${count} fresh clients synced`, () => seen.length === count, { timeoutMs: 20_000 })
  return seen
}

it('serves the full document in the first sync after SIGTERM and restart (CLI)', async () => {
  const dir = await makeTempDir('restart')
  dirs.push(dir)
  const first = await spawnServer({ dataDir: dir })
  const expected = await writeDocument(first.url, 'restart-doc', 3000)
  const stop = await first.terminate()
  expect(stop.code).toBe(0)

  const second = await spawnServer({ dataDir: dir })
  // connect the moment the server says it listens, while it may still be loading
  const seen = await firstSyncStates(second.url, 'restart-doc', 5)
  expect(seen.every((s) => s === expected)).toBe(true)
  expect(JSON.parse(seen[0]!)['text:text']).toHaveLength(3000)
  await second.terminate()
})

it('waits for a slow storage load, loading once, before the first sync (in-process)', async () => {
  const dir = await makeTempDir('slow-load')
  dirs.push(dir)
  const file = join(dir, 'docs.sqlite')
  const first = await startTestRelay({ storage: new SqliteDocStorage({ file }) }, dir)
  const expected = await writeDocument(first.url, 'inproc-doc', 1000)
  await first.relay.close()

  // 300 ms per load: a relay that answers before loading serves an empty document
  const slow = new SlowLoadStorage(new SqliteDocStorage({ file }), 300)
  const second = await startTestRelay({ storage: slow }, dir)
  try {
    const seen = await firstSyncStates(second.url, 'inproc-doc', 4)
    expect(seen).toEqual([expected, expected, expected, expected])
    // four clients joined during one load: it happened once
    expect(slow.loads.get('inproc-doc')).toBe(1)
  } finally {
    for (const c of clients.splice(0)) c.destroy()
    await second.relay.close()
  }
})
