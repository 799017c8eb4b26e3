import type { AppendEntry, StorageAdapter, StoredDoc } from '@tandem/server'
import { sleep } from './wait.ts'

/**
 * Wraps an adapter so that every load takes `loadDelayMs`, like a database across a network,
 * and counts loads per document. With SQLite a load finishes before any client message is
 * handled, so only a slow load shows whether the relay really waits for it (and loads once).
 */
export class SlowLoadStorage implements StorageAdapter {
  readonly loads = new Map<string, number>()

  constructor(
    private readonly inner: StorageAdapter,
    private readonly loadDelayMs: number,
  ) {}

  async load(doc: string): Promise<StoredDoc> {
    this.loads.set(doc, (this.loads.get(doc) ?? 0) + 1)
    await sleep(this.loadDelayMs)
    return this.inner.load(doc)
  }

  append(entries: readonly AppendEntry[]): Promise<void> {
    return this.inner.append(entries)
  }

  compact(doc: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    return this.inner.compact(doc, snapshot, upTo)
  }

  remove(doc: string): Promise<void> {
    return this.inner.remove(doc)
  }

  list(): Promise<string[]> {
    return this.inner.list()
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
