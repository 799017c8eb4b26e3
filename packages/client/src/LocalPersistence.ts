import { backoffDelay } from '@tandem/protocol'
import * as Y from 'yjs'
import type { LocalStore } from './LocalStore.ts'
import { FROM_STORE } from './origins.ts'

/** Fold the stored log into one snapshot once it has this many entries. */
const COMPACT_AFTER = 200

/**
 * Keeps one document in the device store. Writes are batched per tick and committed in
 * order; `onStored(seq)` reports the highest local change now durable. A failed write keeps
 * everything in memory and retries with backoff by writing the whole state, so nothing is
 * dropped while the store is full or closed.
 */
export class LocalPersistence {
  private queue: Uint8Array[] = []
  private queueSeq = 0
  private flushing: Promise<void> | null = null
  private failures = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private entries = 0
  private destroyed = false
  private compacting: Promise<void> | null = null

  constructor(
    private readonly store: LocalStore,
    private readonly name: string,
    private readonly doc: Y.Doc,
    private readonly onStored: (seq: number) => void,
    private readonly onError: (error: Error | null) => void,
  ) {}

  /** Applies everything stored; compacts a long log. */
  async load(): Promise<void> {
    const { updates, keys } = await this.store.load(this.name)
    if (updates.length > 0) Y.applyUpdate(this.doc, Y.mergeUpdates(updates), FROM_STORE)
    this.entries = updates.length
    if (updates.length > COMPACT_AFTER) await this.compact(keys)
  }

  /** Queues `update`; `seq` is the local change it carries (0 for others' changes). */
  write(update: Uint8Array, seq: number): void {
    this.queue.push(update)
    this.queueSeq = Math.max(this.queueSeq, seq)
    if (!this.flushing && !this.retryTimer) this.flushing = Promise.resolve().then(() => this.flush())
  }

  /** True while anything is queued, being written, or waiting for a retry. */
  get busy(): boolean {
    return this.queue.length > 0 || this.flushing !== null || this.retryTimer !== null
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.destroyed) {
      const batch = this.queue
      const seq = this.queueSeq
      this.queue = []
      try {
        await this.store.append(this.name, batch)
      } catch (err) {
        // Keep the work: the whole state is rewritten on retry, covering this batch.
        this.queue = [...batch, ...this.queue]
        this.flushing = null
        return this.failed(err as Error)
      }
      this.entries += batch.length
      if (this.failures > 0) this.onError(null)
      this.failures = 0
      this.onStored(seq)
    }
    this.flushing = null
    // One compaction at a time: each reads every entry's key, so overlapping ones pile up.
    if (this.entries > COMPACT_AFTER && !this.destroyed && !this.compacting) {
      this.compacting = this.compact()
        .catch((err) => this.onError(err as Error))
        .finally(() => {
          this.compacting = null
        })
    }
  }

  private failed(error: Error): void {
    this.failures++
    this.onError(error)
    if (this.destroyed) return
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null
        // One entry holding everything replaces whatever piled up.
        this.queue = [Y.encodeStateAsUpdate(this.doc)]
        this.flushing = this.flush()
      },
      backoffDelay(this.failures, { baseMs: 200, capMs: 10_000 }),
    )
  }

  private async compact(keys?: number[]): Promise<void> {
    const before = this.entries
    const known = keys ?? (await this.store.load(this.name)).keys
    await this.store.compact(this.name, Y.encodeStateAsUpdate(this.doc), known)
    // Entries written while this ran are still there, next to the new snapshot.
    this.entries = this.entries - before + 1
  }

  /** Resolves when everything queued so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  destroy(): void {
    this.destroyed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
  }
}
