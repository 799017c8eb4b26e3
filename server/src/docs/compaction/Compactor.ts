import type { Logger } from '../../ops/Logger.ts'
import type { DocStorage } from '../../storage/DocStorage.ts'
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

export class Compactor {
  private readonly queue = new Set<string>()
  private readonly worker = new CompactionWorker()
  private running: Promise<void> | null = null
  private current: string | null = null
  private again = false
  private stopped = false

  private readonly listeners = new Set<CompactedListener>()

  // The worker thread starts with the first compaction and ends when idle: an idle relay
  // holds no thread (about 8 MB and 10 ms of start-up).
  constructor(
    private readonly storage: DocStorage,
    private readonly log: Logger,
  ) {}

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
    const stored = await this.storage.load(doc)
    if (stored.updates.length === 0) return
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
    const snapshot = await this.worker.merge(parts)
    await this.storage.compact(doc, snapshot, stored.head)
    for (const listener of this.listeners) listener(doc, stored.updates.length, stored.logBytes, snapshot.length)
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
