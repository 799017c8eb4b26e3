import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { CrossTab } from './CrossTab.ts'
import { DocHistory, type DocHistoryOptions } from './DocHistory.ts'
import type { DocStore } from './DocStore.ts'
import { type CheckInReport, DocSync } from './DocSync.ts'
import { LocalPersistence } from './LocalPersistence.ts'
import { Observable } from './Observable.ts'
import { FROM_OTHER_TAB, FROM_SERVER, FROM_STORE } from './origins.ts'
import { PendingChanges } from './PendingChanges.ts'
import type { SyncTransport } from './SyncTransport.ts'

export type SyncState = 'offline' | 'connecting' | 'syncing' | 'saved'

export interface DocStatus {
  /** `saved` only when every local change is stored on the device and acked by the server. */
  state: SyncState
  /** Local changes not yet both stored on the device and acked by the server. */
  pending: number
  /** The last storage or sync error, cleared when storage works again. */
  lastError: Error | null
  /** The stored state has been applied to `doc`. */
  loaded: boolean
  /**
   * Writes to the device store: `ok`, `full` (the browser refused for quota: edits are kept in
   * memory and retried until space is freed) or `failing` (another storage error, retried too).
   */
  device: 'ok' | 'full' | 'failing'
}

export interface User {
  name: string
  color: string
}

export interface DocHandleOptions {
  store: DocStore
  transport: SyncTransport
  crossTabName: string | null
  user?: User
  onError?: (error: Error) => void
  /** Where the relay's history API is; see DocHistory. */
  history: DocHistoryOptions
}

/** Sequence numbers of local changes: the last made, the last stored on the device, the last acked. */
export interface Progress {
  last: number
  stored: number
  acked: number
}

const sameProgress = (a: Progress, b: Progress) => a.last === b.last && a.stored === b.stored && a.acked === b.acked

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])

const sameStatus = (a: DocStatus, b: DocStatus) =>
  a.state === b.state &&
  a.pending === b.pending &&
  a.lastError === b.lastError &&
  a.loaded === b.loaded &&
  a.device === b.device

/**
 * One document as an app sees it: a Y.Doc to read and write, presence, and an honest status.
 * The app never talks to the network; this handle stores every change on the device first
 * and syncs whenever the server can be reached.
 */
export class DocHandle {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly status = new Observable<DocStatus>(
    { state: 'offline', pending: 0, lastError: null, loaded: false, device: 'ok' },
    sameStatus,
  )
  /**
   * `progress()` as an observable: emits whenever a local change is made, stored or acked, so
   * inspectors and benchmarks can time each step (`status` only moves when `pending` does).
   */
  readonly watermarks = new Observable<Progress>({ last: 0, stored: 0, acked: 0 }, sameProgress)
  /** Every check-in result, newest last (bounded), for inspectors. */
  readonly checkIns: CheckInReport[] = []
  /** The document's versions on the relay: list, preview, save, restore. */
  readonly history: DocHistory
  private readonly pending = new PendingChanges()
  private readonly persistence: LocalPersistence
  private readonly sync: DocSync
  private readonly crossTab: CrossTab | null
  private readonly loaded: Promise<void>
  private lastError: Error | null = null
  /** The device store's last write error, cleared when a write succeeds again. */
  private storageError: Error | null = null
  private destroyed = false
  private isLoaded = false
  private readonly stopTransport: () => void

  constructor(
    readonly name: string,
    private readonly options: DocHandleOptions,
  ) {
    if (options.user) this.awareness.setLocalStateField('user', options.user)
    this.history = new DocHistory(name, options.history)
    this.persistence = new LocalPersistence(
      options.store,
      name,
      this.doc,
      (seq) => {
        this.pending.stored(seq)
        this.refresh()
      },
      (error) => {
        this.storageError = error
        this.setError(error)
      },
    )
    this.doc.on('update', this.onUpdate)
    this.loaded = this.persistence.load(this.applyStored).then(
      () => {
        this.isLoaded = true
        this.refresh()
      },
      (err) => this.setError(err as Error),
    )
    this.sync = new DocSync(name, this.doc, this.awareness, this.pending, options.transport, {
      changed: () => this.refresh(),
      checkIn: (report) => {
        this.checkIns.push(report)
        if (this.checkIns.length > 100) this.checkIns.shift()
        if (!report.match) this.options.onError?.(new Error(`check-in mismatch on '${name}'; resyncing`))
      },
      error: (error) => this.setError(error),
      versionsChanged: (newest) => this.history.changed(newest, (e) => this.options.onError?.(e)),
    })
    this.awareness.on('update', this.onAwareness)
    this.crossTab = options.crossTabName ? new CrossTab(options.crossTabName, this.doc, this.awareness) : null
    this.stopTransport = options.transport.state.subscribe(() => this.refresh())
    this.refresh()
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    this.crossTab?.changed(update, origin)
    // Only the server's changes are safe already. Another tab's count as this tab's own: that
    // tab may be offline (or close before its commit), so this tab stores and forwards them
    // too and shows them pending until its own server acks them.
    if (origin === FROM_SERVER) return this.persistence.write(update, 0)
    const seq = this.pending.next()
    this.persistence.write(update, seq)
    this.sync.localUpdate(update, seq)
    this.refresh()
  }

  /**
   * Applies the stored state with this handle's update listener off: Yjs encodes an update
   * event's payload only while someone listens, and for a large document that encode cost as
   * much as the apply itself (45 of 96 ms for the automerge-paper trace in Chromium). What the
   * stored state needs to reach (the server, the store again) is encoded only if it must go.
   */
  private readonly applyStored = (parts: Uint8Array[], unacked: boolean) => {
    this.doc.off('update', this.onUpdate)
    let changed = false
    try {
      changed = this.doc.transact((tr) => {
        const before = Y.encodeStateVector(this.doc)
        for (const part of parts) Y.applyUpdate(this.doc, part)
        return tr.deleteSet.clients.size > 0 || !sameBytes(before, Y.encodeStateVector(this.doc))
      }, FROM_STORE)
    } finally {
      this.doc.on('update', this.onUpdate)
    }
    if (changed) this.loadedFromStore(unacked)
  }

  /**
   * The stored state may hold edits the server never acked (made offline before a reload; the
   * store records who wrote such edits until they are acked): then it counts as one local
   * change until a sync acks it. It is sent live if the sync already ran (a socket can be
   * faster than a large load). It is on the device already; it is written again only when an
   * earlier change is still unstored, to keep `stored` a prefix.
   */
  private loadedFromStore(unacked: boolean): void {
    if (!unacked) {
      this.sync.storedStateLoaded(this.pending.last)
      return
    }
    const seq = this.pending.next()
    if (this.pending.storedUpTo === seq - 1) this.pending.stored(seq)
    else this.persistence.write(Y.encodeStateAsUpdate(this.doc), seq)
    this.sync.storedStateLoaded(seq)
    this.refresh()
  }

  private readonly onAwareness = ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    if (origin === FROM_SERVER || origin === FROM_OTHER_TAB) return
    const mine = [...(added ?? []), ...(updated ?? []), ...(removed ?? [])].filter((id) => id === this.doc.clientID)
    if (mine.length > 0) this.sync.localAwareness(mine)
  }

  private setError(error: Error | null): void {
    this.lastError = error
    if (error) this.options.onError?.(error)
    this.refresh()
  }

  private refresh(): void {
    const connection = this.options.transport.state.value
    const pending = this.pending.count
    if (pending === 0 && this.pending.last > 0)
      this.persistence.allAcked(
        () => this.pending.count === 0,
        () => this.refresh(),
      )
    let state: SyncState
    if (connection !== 'connected') state = connection
    // Saved includes the store knowing it: a reload then shows nothing pending either.
    else if (!this.sync.synced || pending > 0 || this.persistence.recordPending) state = 'syncing'
    else state = 'saved'
    const device = !this.storageError ? 'ok' : isQuotaError(this.storageError) ? 'full' : 'failing'
    this.status.set({ state, pending, lastError: this.lastError, loaded: this.isLoaded, device })
    this.watermarks.set(this.progress())
  }

  /** Resolves once the stored state is applied to `doc`. */
  whenLoaded(): Promise<void> {
    return this.loaded
  }

  /**
   * Commits everything so far on the device and folds the log into its snapshot now, as the
   * handle does by itself once writes pause (for benchmarks and tests; an app never needs to).
   */
  async whenStoreIdle(): Promise<void> {
    await this.loaded
    await this.persistence.drain()
    await this.persistence.compactAll()
  }

  /** Resolves when the status is `saved`. */
  async whenSaved(): Promise<void> {
    await this.status.when((s) => s.state === 'saved')
  }

  /**
   * Sequence numbers of local changes: the last made, the last stored on the device, the last
   * acked by the server. For inspectors and tests; `status.pending` is derived from them.
   */
  progress(): Progress {
    return { last: this.pending.last, stored: this.pending.storedUpTo, acked: this.pending.ackedUpTo }
  }

  /** Compares this replica with the server's now (one also runs after every sync). */
  checkIn(): Promise<void> {
    return this.sync.checkIn()
  }

  /** Stops syncing and releases the document; the others see this user leave. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy')
    this.stopTransport()
    this.sync.destroy()
    this.crossTab?.destroy()
    this.persistence.destroy()
    this.awareness.destroy()
    this.doc.off('update', this.onUpdate)
    this.doc.destroy()
  }
}

/** The browser refused a write for lack of space (DOMException name, also across realms). */
function isQuotaError(error: Error): boolean {
  return error.name === 'QuotaExceededError' || /quota/i.test(error.message)
}
