import { backoffDelay } from '@tandem/protocol'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import type { DocStorage } from '../storage/DocStorage.ts'

/** A write that is to be committed, and what to do once it is (or is not). */
export interface PendingWrite {
  doc: string
  /** null: a barrier that writes nothing and completes once every earlier write has. */
  update: Uint8Array | null
  committed(): void
  failed(err: unknown): void
}

/** How long a failing storage is retried before the writes waiting on it fail. */
export interface CommitRetry {
  /** Retry a failed commit for this long (0: fail at once, as when storage is gone for good). */
  retryMs: number
  /** Stop retrying early once this many bytes wait, so an outage cannot exhaust memory. */
  maxQueuedBytes: number
}

const RETRY_BACKOFF = { baseMs: 100, capMs: 2_000 }

/**
 * Group commit: writes that arrive in the same turn of the event loop commit in one storage
 * transaction, and only then run their `committed` callbacks (which broadcast and ack).
 * Batches commit strictly one after another, so commit order is arrival order.
 *
 * A failed commit is retried, in order and with what arrived since, for `retry.retryMs`: a
 * storage outage (PostgreSQL restarting, a network cut) then only delays acks, and the
 * documents in memory stay whole and readable. Only after that do the writes fail.
 */
export class GroupCommitter {
  private queue: PendingWrite[] = []
  private scheduled = false
  private running: Promise<void> | null = null
  private queuedBytes = 0
  /** When the current run of failed commits began, or null while storage works. */
  private failingSince: number | null = null
  private stopRetry: (() => void) | null = null
  private stopped = false
  private attempt = 0

  constructor(
    private readonly storage: DocStorage,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
    private readonly retry: CommitRetry = { retryMs: 0, maxQueuedBytes: 0 },
  ) {
    metrics?.gauge('tandem_storage_retrying', 'Commits are failing and being retried (storage down)', () =>
      this.failingSince === null ? 0 : 1,
    )
  }

  /** True while commits fail and are being retried. */
  get retrying(): boolean {
    return this.failingSince !== null
  }

  /** Ends retrying (shutdown): what still waits fails instead of holding the close up. */
  stopRetrying(): void {
    this.stopped = true
    this.stopRetry?.()
  }

  enqueue(write: PendingWrite): void {
    this.queue.push(write)
    this.queuedBytes += write.update?.length ?? 0
    if (!this.scheduled && !this.running) {
      this.scheduled = true
      setImmediate(this.flush)
    }
  }

  get pending(): number {
    return this.queue.length
  }

  private readonly flush = (): void => {
    this.scheduled = false
    if (this.running || this.queue.length === 0) return
    this.running = this.commitAll().finally(() => {
      this.running = null
      if (this.queue.length > 0) this.flush()
    })
  }

  private async commitAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      try {
        const writes = batch.filter((w): w is PendingWrite & { update: Uint8Array } => w.update !== null)
        const started = performance.now()
        await this.storage.append(writes)
        this.metrics?.observe(
          'tandem_commit_seconds',
          'Time to commit one group of writes',
          (performance.now() - started) / 1000,
        )
        this.metrics?.inc('tandem_updates_committed_total', 'Updates committed to storage', undefined, writes.length)
      } catch (err) {
        this.metrics?.inc('tandem_storage_errors_total', 'Failed storage commits')
        if (await this.retryLater(batch, err)) continue
        this.log.error('group commit failed', { writes: batch.length, error: String(err) })
        this.settled(batch)
        for (const w of batch) w.failed(err)
        continue
      }
      if (this.failingSince !== null) {
        this.log.warn('storage is back; commits resumed', { downMs: Date.now() - this.failingSince })
        this.failingSince = null
      }
      this.settled(batch)
      for (const w of batch) {
        try {
          w.committed()
        } catch (err) {
          // One failing broadcast must not keep the others from their acks.
          this.log.error('post-commit callback failed', { doc: w.doc, error: String(err) })
        }
      }
    }
  }

  private settled(batch: readonly PendingWrite[]): void {
    for (const w of batch) this.queuedBytes -= w.update?.length ?? 0
  }

  /** Puts `batch` back in front and waits a backoff, unless the retry window is over. */
  private async retryLater(batch: PendingWrite[], err: unknown): Promise<boolean> {
    const now = Date.now()
    if (this.failingSince === null) {
      this.failingSince = now
      this.attempt = 0
      if (this.retry.retryMs > 0) {
        this.log.error('storage unavailable; holding commits and retrying', { error: String(err) })
      }
    }
    const give =
      this.stopped || now - this.failingSince >= this.retry.retryMs || this.queuedBytes > this.retry.maxQueuedBytes
    if (give) {
      // The next write starts a fresh window: storage may be back by then.
      this.failingSince = null
      return false
    }
    this.queue = batch.concat(this.queue)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoffDelay(++this.attempt, RETRY_BACKOFF) + 20)
      this.stopRetry = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.stopRetry = null
    return true
  }

  /** Resolves when everything enqueued so far is committed or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      if (!this.running) this.flush()
      await this.running
    }
  }
}
