import type { Logger } from '../../ops/Logger.ts'
import type { DocStorage } from '../../storage/DocStorage.ts'
import { FencedOut } from '../../storage/FencedOut.ts'
import { CompactionWorker } from './CompactionWorker.ts'

/**
 * Merges a document's log into its snapshot, one document at a time and off the update
 * path. The snapshot is re-encoded through a Y.Doc so deleted content is garbage-collected
 * and the stored form stays near the size of the visible document.
 */
/** Told after a document's log was folded into its snapshot: how much it removed and wrote. */
export type CompactedListener = (
  doc: string,
  removedUpdates: number,
  removedBytes: number,
  snapshotBytes: number,
) => void

/** Told that another instance holds the document's compaction lease: it folds the log. */
export type DeferredListener = (doc: string) => void

export interface CompactorOptions {
  /** Who asks for compaction leases (the cluster instance id); one per process. */
  holder?: string
  /** How long a lease lasts; a holder paused longer is fenced out (default 30 s). */
  leaseMs?: number
}

export class Compactor {
  private readonly queue = new Set<string>()
  private readonly worker = new CompactionWorker()
  private running: Promise<void> | null = null
  private current: string | null = null
  private again = false
  private stopped = false

  private readonly listeners = new Set<CompactedListener>()
  private readonly deferredListeners = new Set<DeferredListener>()
  private readonly holder: string
  private readonly leaseMs: number

  // The worker thread starts with the first compaction and ends when idle: an idle relay
  // holds no thread (about 8 MB and 10 ms of start-up).
  constructor(
    private readonly storage: DocStorage,
    private readonly log: Logger,
    options: CompactorOptions = {},
  ) {
    this.holder = options.holder ?? `pid-${process.pid}-${Math.random().toString(36).slice(2)}`
    this.leaseMs = options.leaseMs ?? 30_000
  }

  /** Subscribes to compactions left to another instance; returns the unsubscribe. */
  onDeferred(listener: DeferredListener): () => void {
    this.deferredListeners.add(listener)
    return () => this.deferredListeners.delete(listener)
  }

  /** Subscribes to finished compactions (the room registry tells the loaded room); returns the unsubscribe. */
  onCompacted(listener: CompactedListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  schedule(doc: string): void {
    // A request during this document's compaction runs it again afterwards: the log it
    // loaded may already be missing what triggered the request.
    if (this.current === doc) this.again = true
    else this.queue.add(doc)
    this.running ??= this.run().finally(() => {
      this.running = null
    })
  }

  /** True while a compaction runs or waits. */
  get busy(): boolean {
    return this.running !== null
  }

  isQueued(doc: string): boolean {
    return this.queue.has(doc) && this.current !== doc
  }

  private async run(): Promise<void> {
    // Yield first so that compaction never runs inside the commit that triggered it.
    await new Promise((resolve) => setImmediate(resolve))
    for (const doc of this.queue) {
      this.queue.delete(doc)
      this.current = doc
      this.again = false
      try {
        await this.compact(doc)
      } catch (err) {
        this.log.error('compaction failed', { doc, error: String(err) })
      }
      this.current = null
      if (this.again && !this.stopped) this.queue.add(doc)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Compacts `doc` now; entries appended concurrently (after the load) are kept. */
  async compact(doc: string): Promise<void> {
    await this.underLease(doc, async (fence) => {
      const stored = await this.storage.load(doc)
      if (stored.updates.length === 0) return
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
      const snapshot = await this.worker.merge(parts)
      await this.storage.compact(doc, snapshot, stored.head, fence)
      for (const listener of this.listeners) listener(doc, stored.updates.length, stored.logBytes, snapshot.length)
    })
  }

  /** Writes a snapshot made elsewhere (a repaired load) under the same lease and fence. */
  async checkpoint(doc: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    await this.underLease(doc, (fence) => this.storage.compact(doc, snapshot, upTo, fence))
  }

  /**
   * Runs `write` holding the document's compaction lease, when the storage has leases: one
   * instance at a time checkpoints a document, and a holder that lost the lease while paused
   * is refused by the storage (FencedOut) instead of writing over a newer checkpoint.
   */
  private async underLease(doc: string, write: (fence: number | undefined) => Promise<void>): Promise<void> {
    const { storage } = this
    if (!storage.acquireCompactionLease) return write(undefined)
    const token = await storage.acquireCompactionLease(doc, this.holder, this.leaseMs)
    if (token === null) {
      for (const listener of this.deferredListeners) listener(doc)
      return
    }
    try {
      await write(token)
    } catch (err) {
      if (!(err instanceof FencedOut)) throw err
      this.log.warn('compaction fenced out: the lease passed to another instance meanwhile', { doc, token })
    } finally {
      await storage.releaseCompactionLease?.(doc, token).catch(() => {})
    }
  }

  /** Resolves when no compaction is queued or running. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /**
   * Waits up to `budgetMs` for queued compactions, then drops the rest (the log stays valid,
   * just longer) and waits for the one running, so that storage can be closed safely.
   */
  async finish(budgetMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budgetMs)
    })
    await Promise.race([this.idle(), budget])
    clearTimeout(timer)
    this.stopped = true
    this.queue.clear()
    await this.idle()
    await this.worker.stop()
  }
}
