import {
  acknowledgeMutations,
  applyMutation,
  EMPTY_OUTBOX,
  enqueueMutation,
  failBatch,
  type HybridLogicalClock,
  type LwwRecord,
  latestStamp,
  type Mutation,
  mergeRecords,
  type OutboxEntry,
  type OutboxState,
  rejectMutation,
  takeBatch,
} from '@tandem/records'
import { RecordMap } from './RecordMap.ts'
import type { RecordStore, RecordStoreBatch, StoredOutboxEntry } from './RecordStore.ts'

/** Why records changed: loaded from the device, a write here, server data, a rollback/reset/repair, another tab. */
export type ChangeSource = 'load' | 'local' | 'server' | 'rollback' | 'tab'

/**
 * A collection's state on this device: the records as the app sees them (server state with
 * the outbox applied on top), the outbox, and the sync token. Memory changes synchronously;
 * each change is also queued to the store as one batch, and batches commit in order.
 */
export class LocalRecords {
  readonly records = new RecordMap()
  outbox: OutboxState = EMPTY_OUTBOX
  token: string | null = null
  private readonly order = new Map<string, number>()
  private nextOrder = 1

  constructor(
    readonly collection: string,
    private readonly store: RecordStore,
    private readonly clock: HybridLogicalClock,
    private readonly changed: (ids: string[], source: ChangeSource) => void,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Bumped on every change of `records`, so a check-in can tell its comparison went stale. */
  version = 0

  private touch(ids: string[], source: ChangeSource): void {
    this.version++
    this.changed(ids, source)
  }

  async load(): Promise<void> {
    const loaded = await this.store.load(this.collection)
    for (const record of loaded.records) {
      this.records.set(record.id, record)
      // A reloaded replica must never reissue a stamp it issued before the reload.
      const latest = latestStamp(record)
      if (latest) this.clock.restore(latest)
    }
    this.adoptOutbox(loaded.outbox)
    this.token = loaded.token
    if (this.records.size > 0) this.touch([...this.records.keys()], 'load')
  }

  /** Adds stored entries this tab does not hold (another tab's writes), marked sent: they may have been. */
  adoptOutbox(stored: readonly StoredOutboxEntry[]): void {
    const known = new Set(this.outbox.entries.map((e) => e.mutation.id))
    const added: OutboxEntry[] = []
    for (const { order, entry } of stored) {
      this.nextOrder = Math.max(this.nextOrder, order + 1)
      if (known.has(entry.mutation.id)) continue
      this.order.set(entry.mutation.id, order)
      added.push({ mutation: entry.mutation, sent: true, inFlight: false })
    }
    if (added.length) this.outbox = { ...this.outbox, entries: [...this.outbox.entries, ...added] }
  }

  /**
   * Hands a batch to the store at once; failures are reported, and later batches still run.
   * Not chained: the store commits in call order (IndexedDB runs readwrite transactions over
   * the same stores in creation order), and waiting for each commit before starting the next
   * put a commit's whole latency between every two pages of a pull.
   */
  persist(batch: RecordStoreBatch): Promise<void> {
    const run = this.store.apply(this.collection, batch)
    run.catch((err) => this.failed(err instanceof Error ? err : new Error(String(err))))
    return run
  }

  /** Sets the outbox and returns the store operations that bring the stored outbox in line. */
  private setOutbox(next: OutboxState): Pick<RecordStoreBatch, 'outboxPut' | 'outboxRemove'> {
    const prev = new Map(this.outbox.entries.map((e) => [e.mutation.id, e]))
    const outboxPut: StoredOutboxEntry[] = []
    for (const entry of next.entries) {
      const id = entry.mutation.id
      if (prev.get(id) === entry) {
        prev.delete(id)
        continue
      }
      prev.delete(id)
      if (!this.order.has(id)) this.order.set(id, this.nextOrder++)
      outboxPut.push({ order: this.order.get(id)!, entry: { ...entry, inFlight: false } })
    }
    for (const id of prev.keys()) this.order.delete(id)
    this.outbox = next
    return { outboxPut, outboxRemove: [...prev.keys()] }
  }

  /** A local write: record and outbox entry in one batch. `append` skips coalescing (non-leader tabs). */
  write(mutation: Mutation, append = false): Promise<void> {
    const record = applyMutation(this.records.get(mutation.recordId), mutation).record
    this.records.set(record.id, record)
    const next = append
      ? { ...this.outbox, entries: [...this.outbox.entries, { mutation, sent: true, inFlight: false }] }
      : enqueueMutation(this.outbox, mutation)
    const ops = this.setOutbox(next)
    this.touch([record.id], 'local')
    return this.persist({ put: [record], ...ops })
  }

  /** The next batch, marked sent; `saved` resolves once that mark is stored, before the batch may leave. */
  takeBatch(max: number): { batch: Mutation[]; saved: Promise<void> } {
    const { state, batch } = takeBatch(this.outbox, Date.now(), max)
    const saved = batch.length > 0 ? this.persist(this.setOutbox(state)) : Promise.resolve()
    return { batch, saved }
  }

  /**
   * Merges server records in; with `reset`, first replaces everything by the outbox alone.
   * Resolves once stored (the page's token with it). `pageJson`, the text `incoming` was
   * parsed from, is stored as it is instead of the merged records: a merge chunk of what
   * arrived folds to the same records, and re-stringifying 1,000 records per page was the
   * largest cost of an initial sync in Chromium.
   */
  applyServer(incoming: readonly LwwRecord[], token: string | null, reset = false, pageJson?: string): Promise<void> {
    const put: LwwRecord[] = []
    const ids = new Set<string>()
    if (reset) {
      for (const id of this.records.keys()) ids.add(id)
      this.records.clear()
      for (const { mutation } of this.outbox.entries) this.applyLocal(mutation, ids)
    }
    for (const record of incoming) {
      const latest = latestStamp(record)
      try {
        if (latest) this.clock.receive(latest)
      } catch {
        // The server's data is authoritative even if our clock is behind; we just don't jump to it.
      }
      const current = this.records.get(record.id)
      this.records.set(record.id, current ? mergeRecords(current, record).record : record)
      ids.add(record.id)
    }
    if (token !== null) this.token = token // the next (re)connect pulls from here, not from the loaded token
    const tokenPart = token !== null ? { token } : {}
    // Without a reset nothing leaves `records`, so the page alone says what to store.
    const asPage = pageJson !== undefined && !reset && incoming.length > 0
    if (!asPage) for (const id of ids) if (this.records.has(id)) put.push(this.records.get(id)!)
    const remove = asPage ? [] : [...ids].filter((id) => !this.records.has(id))
    const stored = this.persist(
      asPage
        ? { page: { json: pageJson, changes: incoming }, ...tokenPart }
        : { clear: reset, put, remove, ...tokenPart },
    )
    if (ids.size) this.touch([...ids], reset ? 'rollback' : 'server')
    return stored
  }

  private applyLocal(mutation: Mutation, ids: Set<string>): void {
    this.records.set(mutation.recordId, applyMutation(this.records.get(mutation.recordId), mutation).record)
    ids.add(mutation.recordId)
  }

  /** Replaces one record by the server's (null: none) with the pending outbox on top: rollback and repair. */
  rebase(id: string, server: LwwRecord | null): void {
    const ids = new Set([id])
    if (server) this.records.set(id, server)
    else this.records.delete(id)
    for (const { mutation } of this.outbox.entries) if (mutation.recordId === id) this.applyLocal(mutation, ids)
    const record = this.records.get(id)
    void this.persist(record ? { replace: [record] } : { remove: [id] })
    this.touch([id], 'rollback')
  }

  acknowledge(ids: string[]): void {
    void this.persist(this.setOutbox(acknowledgeMutations(this.outbox, ids)))
  }

  reject(id: string): OutboxEntry | undefined {
    const { state, dropped } = rejectMutation(this.outbox, id)
    void this.persist(this.setOutbox(state))
    return dropped
  }

  fail(): void {
    if (this.outbox.entries.some((e) => e.inFlight))
      void this.persist(this.setOutbox(failBatch(this.outbox, Date.now())))
  }

  /** Another tab changed records (and stored them): update memory only. */
  fromTab(records: readonly LwwRecord[], removed: readonly string[], replace: boolean): void {
    for (const record of records) {
      const current = this.records.get(record.id)
      this.records.set(record.id, current && !replace ? mergeRecords(current, record).record : record)
    }
    for (const id of removed) this.records.delete(id)
    this.touch([...records.map((r) => r.id), ...removed], 'tab')
  }

  /** The leader tab settled these mutations (and updated the store): drop them from memory. */
  forget(ids: readonly string[]): void {
    const gone = new Set(ids)
    for (const id of ids) this.order.delete(id)
    this.outbox = { ...this.outbox, entries: this.outbox.entries.filter((e) => !gone.has(e.mutation.id)) }
  }

  hasPending(recordId: string): boolean {
    return this.outbox.entries.some((e) => e.mutation.recordId === recordId)
  }
}
