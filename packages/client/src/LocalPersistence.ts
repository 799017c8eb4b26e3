import { backoffDelay } from '@tandem/protocol'
import * as Y from 'yjs'
import type { DocStore, StoreKey } from './DocStore.ts'
import { LogCompaction } from './LogCompaction.ts'

/** How long `pending` stays 0 before the store's record of unacked changes is cleared. */
const CLEAR_AFTER_MS = 20
/** Updates of one flush merged into one entry; Y.mergeUpdates grows faster than linearly. */
const MERGE_PARTS = 32

/** What an open read: the compaction snapshot (if any) and the entries written after it. */
export interface LoadStats {
  snapshot: boolean
  entries: number
  /** The stored state holds local changes the server may lack. */
  unacked: boolean
}

/**
 * Keeps one document in the device store. Writes are batched per tick and committed in
 * order; `onStored(seq)` reports the highest local change now durable. A failed write keeps
 * everything in memory and retries with backoff by writing the whole state, so nothing is
 * dropped while the store is full or closed.
 *
 * An open only reads and applies (one Yjs transaction, linear in the entries): it never waits
 * for a compaction, which runs afterwards in the background (`LogCompaction`).
 */
export class LocalPersistence {
  private queue: Uint8Array[] = []
  private queueSeq = 0
  /** The highest local change already in the store (with its unacked record). */
  private recordedSeq = 0
  /** This tab's id in the store's record of who holds unacked changes. */
  private readonly writer = Math.random().toString(36).slice(2, 12)
  /** A record of unacked changes (ours, or found at load) may be in the store. */
  private unackedRecorded = false
  /** This tab's own record is in the store (or on its way there). */
  private ownRecord = false
  private highestLoaded = -1
  private flushing: Promise<void> | null = null
  private failures = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private destroyed = false
  private readonly compaction: LogCompaction
  private clearing: Promise<void> | null = null
  private clearTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly store: DocStore,
    private readonly name: string,
    private readonly doc: Y.Doc,
    private readonly onStored: (seq: number) => void,
    private readonly onError: (error: Error | null) => void,
  ) {
    this.compaction = new LogCompaction(store, name, doc, onError)
  }

  /**
   * Reads everything stored and hands it to `apply` (the caller applies it as one Yjs
   * transaction, so it decides which listeners see it); a long log is compacted later, in the
   * background.
   */
  async load(apply: (parts: Uint8Array[], unacked: boolean) => void): Promise<LoadStats> {
    const { snapshot, updates, keys, unacked } = await this.store.load(this.name)
    const parts = snapshot ? [snapshot, ...updates] : updates
    this.unackedRecorded = unacked
    this.highestLoaded = keys.reduce((a, b) => Math.max(a, b), -1)
    if (parts.length > 0) apply(parts, unacked)
    this.compaction.add(keys)
    // Entries left beside the snapshot (a tab closed mid-burst) are folded once the tab is
    // idle, as after writes: otherwise every later open would apply them again.
    if (keys.length > 0) this.compaction.writesPaused(() => this.busy)
    return { snapshot: snapshot !== null, entries: updates.length, unacked }
  }

  /**
   * Every local change so far is stored and acked: the store's record of unacked changes by
   * this tab (and by writers whose entries this tab loaded and has now synced) goes.
   */
  allAcked(stillAcked: () => boolean, cleared: () => void): void {
    if (!this.unackedRecorded || this.destroyed || this.clearTimer || this.clearing) return
    // A moment later, and only if nothing was typed meanwhile: during fast typing acks empty
    // `pending` after nearly every keystroke, and a clearing transaction each time would
    // double the writes the keystrokes wait behind.
    this.clearTimer = setTimeout(() => {
      this.clearTimer = null
      if (!stillAcked() || this.destroyed || !this.unackedRecorded) return cleared()
      this.unackedRecorded = this.ownRecord = false
      this.clearing = this.store
        .acked(this.name, this.writer, this.highestLoaded)
        .catch((err) => this.onError(err as Error))
        .finally(() => {
          this.clearing = null
          cleared()
        })
    }, CLEAR_AFTER_MS)
  }

  /**
   * The store may still say this document holds unacked changes (the record is not cleared
   * yet): a reload now would count them, so the document is not `saved` yet.
   */
  get recordPending(): boolean {
    return this.unackedRecorded || this.clearing !== null
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
      let keys: StoreKey[]
      // Local changes (seq > 0) are recorded as unacked in the same transaction.
      // Recorded once until cleared, not on every keystroke. Another tab that loaded past the
      // record may clear it while this tab has newer unacked changes; that tab then holds
      // them too (tabs forward each other's changes) and clears only once all it saw are acked.
      const mark = seq > this.recordedSeq && !this.ownRecord
      if (mark) this.unackedRecorded = this.ownRecord = true
      try {
        keys = await this.store.append(this.name, mergeInGroups(batch), mark ? this.writer : undefined)
      } catch (err) {
        // Keep the work: the whole state is rewritten on retry, covering this batch.
        this.queue = [...batch, ...this.queue]
        this.flushing = null
        return this.failed(err as Error)
      }
      this.compaction.add(keys)
      this.recordedSeq = Math.max(this.recordedSeq, seq)
      if (this.failures > 0) this.onError(null)
      this.failures = 0
      this.onStored(seq)
    }
    this.flushing = null
    this.compaction.writesPaused(() => this.busy)
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

  /** Folds the whole log into the snapshot now (for benchmarks and tests). */
  compactAll(): Promise<void> {
    return this.compaction.all()
  }

  /** Resolves when everything queued so far is written (or has failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing
  }

  destroy(): void {
    this.destroyed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.compaction.stop()
    if (this.clearTimer) clearTimeout(this.clearTimer)
  }
}

/** The updates of one flush as few entries: groups merged, each group one entry. */
function mergeInGroups(batch: readonly Uint8Array[]): Uint8Array[] {
  if (batch.length === 1) return [batch[0]!]
  const rows: Uint8Array[] = []
  for (let i = 0; i < batch.length; i += MERGE_PARTS) rows.push(Y.mergeUpdates(batch.slice(i, i + MERGE_PARTS)))
  return rows
}
