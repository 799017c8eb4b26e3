import type { DocStorage, StoredDoc } from '@tandem/server'
import { DelegatingStorage } from './DelegatingStorage.ts'
import { sleep } from './wait.ts'

/**
 * Wraps an adapter so that every load takes `loadDelayMs`, like a database across a network,
 * and counts loads per document. With SQLite a load finishes before any client message is
 * handled, so only a slow load shows whether the relay really waits for it (and loads once).
 */
export class SlowLoadStorage extends DelegatingStorage {
  readonly loads = new Map<string, number>()

  constructor(
    inner: DocStorage,
    private readonly loadDelayMs: number,
  ) {
    super(inner)
  }

  override async load(doc: string): Promise<StoredDoc> {
    this.loads.set(doc, (this.loads.get(doc) ?? 0) + 1)
    await sleep(this.loadDelayMs)
    return this.inner.load(doc)
  }
}
