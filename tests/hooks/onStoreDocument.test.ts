// onStoreDocument against a real relay on port 0: told after the log is folded into a snapshot,
// with what was written; a hook that throws costs only its call.
import { createLogger, type Relay, type StoreDocumentEvent, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

let relay: Relay | undefined
let dir: string | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay?.close()
  if (dir) await removeDir(dir)
})

it('is told of each compaction with the snapshot size and the updates folded, and survives its own throw', async () => {
  dir = await makeTempDir('on-store')
  const events: StoreDocumentEvent[] = []
  relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    // Compact after a handful of updates, so the test sees it happen.
    compactUpdates: 5,
    compactBytes: 64 * 1024,
    hooks: {
      onStoreDocument: (e) => {
        events.push(e)
        if (events.length === 1) throw new Error('indexer down')
      },
    },
  })
  const a = await syncedClient(relay.url, 'stored')
  clients.push(a)
  for (let i = 0; i < 40; i++) a.doc.getText('t').insert(0, `${i},`)
  await waitUntil('a compaction is reported', () => events.length >= 1, { timeoutMs: 15_000 })
  expect(events[0]!.documentName).toBe('stored')
  expect(events[0]!.foldedUpdates).toBeGreaterThanOrEqual(5)
  expect(events[0]!.snapshotBytes).toBeGreaterThan(0)
  for (let i = 0; i < 40; i++) a.doc.getText('t').insert(0, `again ${i},`)
  await waitUntil('the next compaction is reported too', () => events.length >= 2, { timeoutMs: 15_000 })
  expect(events[1]!.snapshotBytes).toBeGreaterThan(events[0]!.snapshotBytes)
  expect(relay.metrics.value('tandem_hook_failures_total', { hook: 'onStoreDocument', reason: 'error' })).toBe(1)
})
