// The page bench/records drives in Chromium: a Tandem client with its IndexedDB record store
// and a byte-counting WebSocket, timing one initial sync. Exposed as window.recordsBench.
import { createTandem, IndexedDbRecordStore, type RecordStore } from '@tandem/client'
import { type ByteCounter, countingWebSocket, newCounter } from '../wireBytes.ts'

export interface BrowserSyncFigures {
  /** Until every record is in memory and the pull is done (the app can show them). */
  syncedMs: number
  /** Until the last store batch committed to IndexedDB too: a reload would find them all. */
  storedMs: number
  bytes: ByteCounter
}

/** Counts store batches still committing, so "stored" means every batch so far completed. */
class TrackedStore implements RecordStore {
  pending = 0
  constructor(private readonly inner: RecordStore) {}
  load: RecordStore['load'] = (c) => this.inner.load(c)
  loadOutbox: RecordStore['loadOutbox'] = (c) => this.inner.loadOutbox(c)
  close = () => this.inner.close()
  apply: RecordStore['apply'] = async (c, batch) => {
    this.pending++
    try {
      await this.inner.apply(c, batch)
    } finally {
      this.pending--
    }
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2))

async function initialSync(url: string, collection: string, n: number, timeoutMs: number): Promise<BrowserSyncFigures> {
  const counter = newCounter()
  const store = new TrackedStore(new IndexedDbRecordStore({ name: `bench-records-${collection}` }))
  const deadline = Date.now() + timeoutMs
  const start = performance.now()
  const tandem = createTandem({
    url,
    WebSocket: countingWebSocket(WebSocket, counter),
    crossTab: false,
    records: { store },
  })
  const tasks = tandem.records(collection)
  const done = () => {
    const s = tasks.status.value
    return s.state === 'synced' && s.pending === 0 && tasks.all().length === n
  }
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not synced after ${timeoutMs} ms (${tasks.all().length} records)`)
    await tick()
  }
  const syncedMs = performance.now() - start
  const bytes = { ...counter }
  // Batches queue one after another (LocalRecords chains them), so wait for the queue to drain.
  while (store.pending > 0) {
    if (Date.now() > deadline) throw new Error(`IndexedDB still committing after ${timeoutMs} ms`)
    await tick()
  }
  const storedMs = performance.now() - start
  tandem.destroy()
  return { syncedMs, storedMs, bytes }
}

declare global {
  interface Window {
    recordsBench: { initialSync: typeof initialSync }
  }
}

window.recordsBench = { initialSync }
