import { closeCodeName, TandemMessageType as T, type TandemMessage } from '@tandem/protocol'
import {
  type FieldConflict,
  type Mutation,
  type MutationResult,
  parseChangesPage,
  parseMutationResults,
} from '@tandem/records'
import type { ChannelHandler, SyncTransport } from '../SyncTransport.ts'
import type { LocalRecords } from './LocalRecords.ts'
import { MerkleRequests } from './MerkleRequests.ts'
import { merkleCheckIn, type RecordsCheckInReport } from './merkleCheckIn.ts'
import { ReportedConflicts } from './recordsEvents.ts'

/** Check-ins overtaken by incoming changes are repeated this often before giving up. */
const MAX_CHECKIN_ATTEMPTS = 5

export interface RecordsSyncEvents {
  state(state: 'offline' | 'syncing' | 'synced'): void
  conflicts(conflicts: FieldConflict[]): void
  /** `mutation` is the refused one, when this replica's outbox still had it. */
  rejected(
    result: Extract<MutationResult, { status: 'rejected' }>,
    recordId: string | undefined,
    mutation: Mutation | undefined,
  ): void
  checkIn(report: RecordsCheckInReport): void
  outbox(): void
  /** These mutations left the outbox (acked or rejected). */
  settled(ids: string[]): void
  error(error: Error): void
}

export interface RecordsSyncOptions {
  /** Only the leader tab pushes the outbox. */
  isLeader: () => boolean
  batchSize?: number
  /** A batch with no result after this long counts as a transient failure. */
  resultTimeoutMs?: number
}

/**
 * A collection's network side, a channel on the shared socket: on every (re)connect it pulls
 * from the stored token (the server pages, then streams live changes), pushes the outbox one
 * batch at a time, applies per-mutation results (ack, rollback, backoff), and checks in with
 * a Merkle tree once synced with an empty outbox.
 */
export class RecordsSync implements ChannelHandler {
  readonly channel: number
  private open = false
  private synced = false
  /** Counts (re)connects and drops, so a store commit that finishes late knows it is stale. */
  private connection = 0
  private storingFinal = false
  private checkedIn = false
  private inFlight: { id: number; timer: ReturnType<typeof setTimeout> } | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private nextId = 1
  private readonly merkle: MerkleRequests
  private readonly reported = new ReportedConflicts()

  constructor(
    private readonly local: LocalRecords,
    private readonly transport: SyncTransport,
    private readonly events: RecordsSyncEvents,
    private readonly options: RecordsSyncOptions,
  ) {
    this.channel = transport.openRecords(local.collection, this, () => local.token ?? '')
    this.merkle = new MerkleRequests(this.channel, (m) => transport.send(m))
  }

  opened(): void {
    this.connection++
    this.storingFinal = false
    this.open = true
    this.synced = this.checkedIn = false
    this.events.state('syncing')
  }

  closed(): void {
    this.connection++
    this.storingFinal = false
    this.open = this.synced = false
    this.abortBatch()
    this.merkle.abort()
    this.events.state('offline')
  }

  message(m: TandemMessage): void {
    try {
      if (m.type === T.RecordsChanges) this.changes(m.json)
      else if (m.type === T.RecordsResult && this.inFlight?.id === m.id) this.results(parseMutationResults(m.json))
      else if (m.type === T.MerkleReply) this.merkle.reply(m)
      else if (m.type === T.Error) {
        this.events.error(
          new Error(`server closed records '${this.local.collection}': ${closeCodeName(m.code)} (${m.reason})`),
        )
      }
    } catch (err) {
      // A page or result we cannot validate: report it; the next reconnect pulls again.
      this.events.error(err as Error)
    }
  }

  private changes(json: string): void {
    const page = parseChangesPage(json)
    const stored = this.local.applyServer(page.changes, page.token, page.reset, json)
    this.reportConflicts(page.conflicts ?? [])
    if (!page.more && !page.live && !this.synced && !this.storingFinal) {
      // Synced means stored: a reload now would show every pulled record. Store batches commit
      // in order, so the last page's commit covers all the pages before it.
      this.storingFinal = true
      const connection = this.connection
      stored.then(
        () => {
          if (connection !== this.connection) return
          this.storingFinal = false
          this.synced = true
          this.events.state('synced')
          this.flush()
          this.maybeCheckIn()
        },
        // The store reported the failure; the collection stays `syncing`, which is the truth.
        () => {},
      )
    }
    this.maybeCheckIn()
  }

  /** Sends the next batch if this tab leads, the channel is up and nothing is in flight. */
  flush(): void {
    if (this.retryTimer || !this.open || !this.synced || this.inFlight || !this.options.isLeader()) return
    const { batch, saved } = this.local.takeBatch(this.options.batchSize ?? 100)
    if (batch.length === 0) {
      const wait = this.local.outbox.retryAt - Date.now()
      if (this.local.outbox.entries.length > 0 && wait > 0) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null
          this.flush()
        }, wait)
      }
      return
    }
    const id = this.nextId++
    const timer = setTimeout(() => this.abortBatch(), this.options.resultTimeoutMs ?? 15_000)
    this.inFlight = { id, timer }
    this.events.outbox()
    // The "sent" mark must be stored before the batch leaves, or a reload could coalesce into it.
    saved.then(
      () => {
        const json = JSON.stringify({ mutations: batch })
        if (
          this.inFlight?.id === id &&
          !this.transport.send({ type: T.RecordsPush, channel: this.channel, id, json })
        ) {
          this.abortBatch()
        }
      },
      () => this.abortBatch(),
    )
  }

  private abortBatch(): void {
    if (!this.inFlight) return
    clearTimeout(this.inFlight.timer)
    this.inFlight = null
    this.local.fail()
    this.events.outbox()
    this.flush()
  }

  private results(results: MutationResult[]): void {
    clearTimeout(this.inFlight!.timer)
    this.inFlight = null
    const acked = results.filter((r) => r.status === 'applied' || r.status === 'duplicate').map((r) => r.id)
    // Only a success resets the backoff; a batch that failed again must wait longer.
    if (acked.length > 0) this.local.acknowledge(acked)
    this.events.settled([...acked, ...results.filter((r) => r.status === 'rejected').map((r) => r.id)])
    for (const r of results) {
      if (r.status === 'applied' && r.record) this.local.applyServer([r.record], null)
      if (r.status !== 'rejected') continue
      const dropped = this.local.reject(r.id)
      const recordId = dropped?.mutation.recordId ?? r.current?.id
      if (recordId) this.local.rebase(recordId, r.current)
      this.events.rejected(r, recordId, dropped?.mutation)
    }
    this.reportConflicts(results.flatMap((r) => (r.status === 'applied' && r.conflicts) || []))
    // Whatever is still in flight got `error` or no answer: back off and retry the same ids.
    this.local.fail()
    this.events.outbox()
    this.flush()
    this.maybeCheckIn()
  }

  private reportConflicts(conflicts: readonly FieldConflict[]): void {
    const fresh = this.reported.fresh(conflicts)
    if (fresh.length) this.events.conflicts(fresh)
  }

  private maybeCheckIn(): void {
    if (this.checkedIn || !this.synced || this.local.outbox.entries.length > 0 || !this.options.isLeader()) return
    this.checkedIn = true
    this.checkIn().catch((err) => this.events.error(err as Error))
  }

  /** Compares Merkle trees with the server and repairs differing records not pending in the outbox. */
  async checkIn(): Promise<RecordsCheckInReport> {
    for (let attempt = 1; ; attempt++) {
      const report = await merkleCheckIn(this.local, this.merkle.exchange)
      if (report) {
        this.events.checkIn(report)
        return report
      }
      if (attempt >= MAX_CHECKIN_ATTEMPTS) throw new Error('records kept changing during the check-in; try later')
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
    }
  }

  destroy(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    if (this.inFlight) clearTimeout(this.inFlight.timer)
    this.inFlight = null
    this.transport.close(this.channel)
  }
}
