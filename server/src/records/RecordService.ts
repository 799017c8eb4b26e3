import {
  encodeSyncToken,
  type FieldConflict,
  HybridLogicalClock,
  type LwwRecord,
  type MerkleRequestBody,
  type MutationResult,
} from '@tandem/records'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import type { RecordStorage } from '../storage/RecordStorage.ts'
import { MerkleIndex } from './MerkleIndex.ts'
import { type PageRead, readPage } from './readPage.ts'
import { type Committed, writeMutations } from './writeMutations.ts'

export interface RecordServiceOptions {
  storage: RecordStorage
  log: Logger
  metrics: Metrics
  /** Collections in authority mode: a write based on a stale field version is refused. */
  authorityCollections?: readonly string[]
  /** How far a stamp may be ahead of the server's clock (default 60 s). */
  maxSkewMs?: number
  /** Tombstones and remembered mutation ids older than this are purged (default 30 days). */
  tombstoneHorizonMs?: number
  /** How often to purge; 0 disables the timer (call purge() yourself). Default 1 h. */
  purgeIntervalMs?: number
}

/** A live subscriber: local commits arrive as changes, other instances' as a nudge to re-read. */
export interface RecordsListener {
  change(change: LiveChange): void
  remote(): void
}

/** A committed change as live subscribers get it: records in seq order and the token after them. */
export interface LiveChange {
  readonly records: { record: LwwRecord; seq: number }[]
  readonly conflicts: FieldConflict[]
  readonly epoch: string
}

/**
 * The relay's records: pulls, pushes, live fan-out and Merkle check-ins, shared by the socket
 * and REST. Pushes and check-in reads run one at a time through a queue, so live changes go
 * out in sequence order and a Merkle tree is never read halfway through a commit.
 */
/** Mutations applied in one transaction: a few ms of work, even for records of some KB. */
const PUSH_SLICE = 100

export class RecordService {
  private readonly clock: HybridLogicalClock
  private readonly merkle: MerkleIndex
  private readonly listeners = new Map<string, Set<RecordsListener>>()
  /** Told after every local commit, so other instances can catch their subscribers up. */
  onCommit: ((collection: string) => void) | null = null
  /** Told of every commit with what it stored (onRecordsChange hooks). */
  onChange: ((collection: string, committed: Committed) => void) | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private readonly timer: ReturnType<typeof setInterval> | null

  private constructor(
    private readonly options: RecordServiceOptions,
    readonly epoch: string,
  ) {
    this.clock = new HybridLogicalClock({ nodeId: 'relay', maxSkewMs: options.maxSkewMs })
    this.merkle = new MerkleIndex(options.storage)
    const every = options.purgeIntervalMs ?? 3_600_000
    this.timer = every > 0 ? setInterval(() => void this.purge().catch(() => {}), every) : null
    this.timer?.unref()
  }

  static async open(options: RecordServiceOptions): Promise<RecordService> {
    return new RecordService(options, await options.storage.epoch())
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return run
  }

  isAuthority(collection: string): boolean {
    return this.options.authorityCollections?.includes(collection) ?? false
  }

  pull(collection: string, token: string, limit: number): Promise<PageRead> {
    return readPage(this.options.storage, this.epoch, collection, token, limit)
  }

  /**
   * Applies a push; live subscribers hear about what it changed before this resolves. A large
   * push is applied in slices, one transaction each, with the event loop free in between: a
   * few 2 MB pushes must not stall every socket and health check (each mutation stands on
   * its own, and a retry of the whole push is a no-op for the slices already applied).
   */
  async push(collection: string, raws: readonly unknown[], canWrite: boolean): Promise<MutationResult[]> {
    if (raws.length <= PUSH_SLICE) return this.pushSlice(collection, raws, canWrite)
    const results: MutationResult[] = []
    for (let start = 0; start < raws.length; start += PUSH_SLICE) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve))
      results.push(...(await this.pushSlice(collection, raws.slice(start, start + PUSH_SLICE), canWrite)))
    }
    return results
  }

  private pushSlice(collection: string, raws: readonly unknown[], canWrite: boolean): Promise<MutationResult[]> {
    return this.serial(async () => {
      const ctx = {
        storage: this.options.storage,
        clock: this.clock,
        authority: this.isAuthority(collection),
        canWrite,
      }
      const { results, committed } = await writeMutations(ctx, collection, raws)
      for (const r of results)
        this.options.metrics.inc('tandem_record_mutations_total', 'Record mutations, by outcome', { status: r.status })
      if (committed.rows.length > 0) {
        this.merkle.update(collection, committed.rows)
        const records = committed.rows.map((row, i) => ({ record: committed.records[i]!, seq: row.seq }))
        const change = { records, conflicts: committed.conflicts, epoch: this.epoch }
        for (const listener of [...(this.listeners.get(collection) ?? [])]) listener.change(change)
        this.onCommit?.(collection)
        this.onChange?.(collection, committed)
      }
      return results
    })
  }

  merkleAnswer(collection: string, body: MerkleRequestBody): Promise<unknown> {
    return this.serial(() => this.merkle.answer(collection, body))
  }

  /**
   * Another instance committed to `collection` (or messages from the others may have been
   * lost): subscribers read what they miss from storage, the one source of truth.
   */
  remoteCommitted(collection: string): void {
    this.merkle.forget(collection)
    for (const listener of [...(this.listeners.get(collection) ?? [])]) listener.remote()
  }

  /** Every collection with live subscribers, for a resync after a pub/sub outage. */
  collections(): string[] {
    return [...this.listeners.keys()]
  }

  /** Calls `listener` with every committed change of `collection`; returns the unsubscribe. */
  subscribe(collection: string, listener: RecordsListener): () => void {
    let set = this.listeners.get(collection)
    if (!set) {
      set = new Set()
      this.listeners.set(collection, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(collection)
    }
  }

  tokenAt(collection: string, seq: number): string {
    return encodeSyncToken({ epoch: this.epoch, collection, seq })
  }

  /** Purges tombstones and mutation ids older than the horizon; tokens behind it get a reset. */
  purge(now = Date.now()): Promise<{ tombstones: number; mutations: number }> {
    return this.serial(async () => {
      const result = await this.options.storage.purge(now - (this.options.tombstoneHorizonMs ?? 30 * 86_400_000))
      if (result.tombstones > 0) this.options.log.info('purged record tombstones', result)
      return result
    })
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.serial(async () => {})
    await this.options.storage.close()
  }
}
