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

/**
 * Group commit: writes that arrive in the same turn of the event loop commit in one storage
 * transaction, and only then run their `committed` callbacks (which broadcast and ack).
 * Batches commit strictly one after another, so commit order is arrival order.
 */
export class GroupCommitter {
  private queue: PendingWrite[] = []
  private scheduled = false
  private running: Promise<void> | null = null

  constructor(
    private readonly storage: DocStorage,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  enqueue(write: PendingWrite): void {
    this.queue.push(write)
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
        this.log.error('group commit failed', { writes: batch.length, error: String(err) })
        for (const w of batch) w.failed(err)
        continue
      }
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

  /** Resolves when everything enqueued so far is committed or failed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      if (!this.running) this.flush()
      await this.running
    }
  }
}
