import {
  type FieldValue,
  HybridLogicalClock,
  type LwwRecord,
  type Mutation,
  parseMutation,
  recordValues,
} from '@tandem/records'
import { Observable } from '../Observable.ts'
import type { SyncTransport } from '../SyncTransport.ts'
import { type ChangeSource, LocalRecords } from './LocalRecords.ts'
import { deleteMutation, type RecordValues, setMutation } from './localMutations.ts'
import type { RecordsCheckInReport } from './merkleCheckIn.ts'
import { type RecordConflict, RecordConflicts } from './RecordConflicts.ts'
import type { RecordStore } from './RecordStore.ts'
import { RecordsSync, type RecordsSyncEvents } from './RecordsSync.ts'
import { RecordsTabs, type TabMessage } from './RecordsTabs.ts'
import { INITIAL_STATUS, RecordsEmitter, type RecordsEvents, type RecordsStatus, sameStatus } from './recordsEvents.ts'

export interface RecordCollectionOptions {
  store: RecordStore
  transport: SyncTransport
  /** BroadcastChannel name for tabs of this browser; null: no cross-tab. */
  crossTabName: string | null
  /** This replica's clock id; default random per instance (two tabs must never share one). */
  nodeId?: string
  wallClock?: () => number
  onError?: (error: Error) => void
}

/**
 * A collection of records as an app sees it (`tandem.records('tasks')`). Reads are
 * synchronous from memory; writes apply at once, are stored with their outbox mutation in
 * one transaction, and sync whenever the server can be reached. Conflicts and rejections are
 * events; the app never talks to the network.
 */
export class RecordCollection {
  readonly status = new Observable<RecordsStatus>(INITIAL_STATUS, sameStatus)
  /**
   * Writes the server refused because the record moved on (authority collections), kept with
   * both versions until `resolve` decides; the same in every tab of this browser.
   */
  readonly conflicts: Observable<readonly RecordConflict[]>
  readonly ready: Promise<void>
  readonly nodeId: string
  private readonly clock: HybridLogicalClock
  private readonly local: LocalRecords
  /** Created once the store is loaded, so the first pull uses the stored token and state. */
  private sync: RecordsSync | null = null
  private readonly tabs: RecordsTabs
  private readonly emitter = new RecordsEmitter()
  private netState: RecordsStatus['state'] = 'offline'
  private lastError: Error | null = null
  private counter = 0
  private destroyed = false
  private readonly conflictList = new RecordConflicts()

  constructor(
    readonly name: string,
    private readonly options: RecordCollectionOptions,
  ) {
    this.conflicts = this.conflictList.list
    this.nodeId = options.nodeId ?? `n${Math.random().toString(36).slice(2, 12)}`
    this.clock = new HybridLogicalClock({ nodeId: this.nodeId, wallClock: options.wallClock })
    const fail = (error: Error) => {
      this.lastError = error
      options.onError?.(error)
      this.refresh()
    }
    this.local = new LocalRecords(name, options.store, this.clock, (ids, source) => this.changed(ids, source), fail)
    this.tabs = new RecordsTabs(options.crossTabName, (m) => this.fromTab(m))
    const events: RecordsSyncEvents = {
      state: (state) => {
        this.netState = state
        this.refresh()
      },
      conflicts: (conflicts) => conflicts.forEach((c) => void this.emitter.emit('conflict', c)),
      rejected: (result, recordId, mutation) => {
        this.emitter.emit('rejected', { ...result, recordId })
        this.tabs.post({ t: 'rejected', result, recordId })
        const conflict = this.conflictList.refused(result, recordId, mutation)
        if (conflict) this.tabs.post({ t: 'conflict', conflict })
      },
      checkIn: (report) => this.emitter.emit('checkIn', report),
      outbox: () => this.refresh(),
      settled: (ids) => this.tabs.post({ t: 'settled', ids }),
      error: fail,
    }
    const isLeader = () => this.tabs.leader.value
    this.tabs.leader.subscribe((leader) => {
      // A new leader picks up what the old one (or any tab) left in the stored outbox.
      if (leader) void this.ready.then(() => this.adoptStoredOutbox())
      this.refresh()
    })
    this.ready = this.local.load().then(() => {
      if (this.destroyed) return
      this.sync = new RecordsSync(this.local, options.transport, events, { isLeader })
      this.refresh()
    })
    this.ready.catch(fail)
  }

  /** Creates or replaces the named fields and undeletes the record if it was deleted. */
  put(id: string, fields: RecordValues): Promise<void> {
    return this.write(id, (current, stamp) => setMutation(this.ids(id), fields, current, stamp, true))
  }

  /** Writes only the named fields; other fields keep their (possibly concurrent) values. */
  update(id: string, fields: RecordValues): Promise<void> {
    return this.write(id, (current, stamp) => setMutation(this.ids(id), fields, current, stamp, false))
  }

  delete(id: string): Promise<void> {
    return this.write(id, (_, stamp) => deleteMutation(this.ids(id), stamp))
  }

  get(id: string): RecordValues | undefined {
    const record = this.local.records.get(id)
    return record ? recordValues(record) : undefined
  }

  /** The stored record with its stamps (tombstones included), for inspectors and conflict UIs. */
  record(id: string): LwwRecord | undefined {
    return this.local.records.get(id)
  }

  all(filter?: (values: RecordValues, id: string) => boolean): { id: string; values: RecordValues }[] {
    const out: { id: string; values: RecordValues }[] = []
    for (const record of this.local.records.values()) {
      const values = recordValues(record)
      if (values && (!filter || filter(values, record.id))) out.push({ id: record.id, values })
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Calls `listener` with the ids that changed and why: local writes, the server, rollbacks, other tabs. */
  subscribe(listener: (change: { ids: string[]; source: ChangeSource }) => void): () => void {
    return this.emitter.on('change', listener)
  }

  on<K extends keyof RecordsEvents>(event: K, listener: (e: RecordsEvents[K]) => void): () => void {
    return this.emitter.on(event, listener)
  }

  /**
   * Decides a conflict: 'theirs' keeps the server's version (already shown); 'mine' writes this
   * device's values again on top of it, as a new write (so an authority accepts it unless the
   * record moves on once more). Every tab drops the conflict. Throws for an unknown record.
   */
  async resolve(recordId: string, choice: 'theirs' | 'mine'): Promise<void> {
    const conflict = this.conflictList.get(recordId)
    if (!conflict) throw new Error(`no conflict for record ${recordId}`)
    if (choice !== 'theirs' && choice !== 'mine') throw new TypeError(`choice must be 'theirs' or 'mine'`)
    this.conflictList.remove(recordId)
    this.tabs.post({ t: 'resolved', recordId })
    if (choice === 'theirs') return
    if (conflict.mine === null) await this.delete(recordId)
    else await this.update(recordId, conflict.mine)
  }

  /** A Merkle check-in now; repairs differing records and reports the bytes it took. */
  async checkIn(): Promise<RecordsCheckInReport> {
    await this.ready
    if (!this.sync) throw new Error('collection destroyed')
    return this.sync.checkIn()
  }

  destroy(): void {
    this.destroyed = true
    this.sync?.destroy()
    this.tabs.destroy()
  }

  /** Mutation ids are unique per replica (node id) and never reused by it (counter). */
  private ids(record: string) {
    return { mutation: `${this.nodeId}-${(++this.counter).toString(36)}`, collection: this.name, record }
  }

  private async write(id: string, build: (current: LwwRecord | undefined, stamp: FieldValue['stamp']) => Mutation) {
    await this.ready
    // Validate like the server will, so a bad value fails here and not as a later rejection.
    const current = this.local.records.get(id)
    const mutation = parseMutation(build(current, this.clock.now()))
    this.conflictList.noteBase(mutation, current)
    const leader = this.tabs.leader.value
    const saved = this.local.write(mutation, !leader)
    this.refresh()
    await saved
    if (!leader) this.tabs.post({ t: 'outbox' })
    this.sync?.flush()
  }

  private changed(ids: string[], source: ChangeSource): void {
    // Other tabs load the store and hear from the server themselves: post only what they cannot
    // know, this tab's writes and rollbacks (which follow results only the leader receives).
    if (source === 'local' || source === 'rollback')
      this.tabs.postRecords(ids, this.local.records, source === 'rollback')
    this.emitter.emit('change', { ids, source })
  }

  private fromTab(m: TabMessage): void {
    if (m.t === 'records') this.local.fromTab(m.records, m.removed, m.replace)
    else if (m.t === 'outbox' && this.tabs.leader.value) void this.adoptStoredOutbox()
    else if (m.t === 'settled' && !this.tabs.leader.value) this.local.forget(m.ids)
    else if (m.t === 'rejected') this.emitter.emit('rejected', { ...m.result, recordId: m.recordId })
    else if (m.t === 'conflict') this.conflictList.add(m.conflict)
    else if (m.t === 'resolved') this.conflictList.remove(m.recordId)
    this.refresh()
  }

  private async adoptStoredOutbox(): Promise<void> {
    this.local.adoptOutbox(await this.options.store.loadOutbox(this.name))
    this.refresh()
    this.sync?.flush()
  }

  private refresh(): void {
    const { entries, failures } = this.local.outbox
    const inFlight = entries.filter((e) => e.inFlight).length
    const leader = this.tabs.leader.value
    this.status.set({
      state: this.netState,
      pending: entries.length,
      inFlight,
      failures,
      leader,
      lastError: this.lastError,
    })
  }
}
