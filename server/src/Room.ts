import {
  type AwarenessEntry,
  CloseCode,
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeSyncStep1,
  encodeUpdate,
} from '@tandem/protocol'
import { DocState } from './DocState.ts'
import { isEmptyUpdate } from './isEmptyUpdate.ts'
import type { Peer } from './Peer.ts'
import type { RelayContext } from './RelayContext.ts'
import { RoomAwareness } from './RoomAwareness.ts'

/**
 * One document while anyone uses it: its connections, presence, and a cache of its committed
 * state. Every update goes validate -> group commit -> broadcast, so no peer ever sees a
 * change that a crash could still lose.
 */
export class Room {
  readonly conns = new Set<Peer>()
  readonly awareness = new RoomAwareness()
  /** Per other instance, the presence clients it announced here. */
  private readonly remoteOwners = new Map<string, { ids: Set<number> }>()
  /** Writes enqueued for commit and not yet committed or failed. */
  pendingWrites = 0
  /** When the room last had a connection or a state request; drives eviction. */
  lastActive = Date.now()
  private state: DocState | null = null
  /** When the document was deleted (ms), once a load told; null while it lives. */
  deletedAt: number | null = null
  /** A load completed, so `deletedAt` is known. */
  private known = false
  private readonly beforeLoad: (() => void)[] = []
  private loading: Promise<DocState> | null = null
  /** Updates committed while a load was in flight: the load may or may not include them. */
  private committedDuringLoad: Uint8Array[] = []
  private logUpdates = 0
  private logBytes = 0
  private snapshotBytes = 0

  constructor(
    readonly name: string,
    private readonly ctx: RelayContext,
  ) {}

  /**
   * The committed state, loaded once however many callers ask at the same time. Clients
   * joining while it loads wait for it, so nobody is served an empty document.
   */
  getState(): Promise<DocState> {
    this.lastActive = Date.now()
    if (this.state) return Promise.resolve(this.state)
    this.loading ??= this.load()
    return this.loading
  }

  private async load(): Promise<DocState> {
    this.committedDuringLoad = []
    try {
      const stored = await this.ctx.storage.load(this.name)
      this.deletedAt = stored.deletedAt ?? null
      this.known = true
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : [...stored.updates]
      // Yjs updates are idempotent, so merging an update twice is harmless; missing one is not.
      parts.push(...this.committedDuringLoad)
      this.state = new DocState(parts)
      this.logUpdates = stored.updates.length + this.committedDuringLoad.length
      this.logBytes = stored.logBytes
      this.snapshotBytes = stored.snapshot?.length ?? 0
      if (this.deletedAt) this.state = new DocState([])
      this.maybeCompact()
      return this.state
    } finally {
      this.loading = null
      this.committedDuringLoad = []
      for (const run of this.beforeLoad.splice(0)) run()
    }
  }

  /**
   * Runs `fn` once this room knows whether its document was deleted: writes that arrive
   * before the first load wait for it (in order), so none is stored under a tombstone.
   */
  private whenKnown(fn: () => void): void {
    if (this.known) return fn()
    this.beforeLoad.push(fn)
    this.getState().catch(() => {})
  }

  /** An operator deleted the document: everyone here is told and nothing more is accepted. */
  markDeleted(at: number): void {
    this.deletedAt = at
    this.known = true
    this.state = new DocState([])
    for (const peer of [...this.conns]) peer.close(CloseCode.DocumentDeleted, 'document was deleted')
  }

  /** An operator imported a document under this name: load it afresh. */
  undelete(): void {
    this.deletedAt = null
    this.known = false
    this.state = null
  }

  /** Queues `update` for commit; `origin` does not get it echoed back. */
  write(
    update: Uint8Array,
    frame: Uint8Array | null,
    origin: Peer | null,
    onCommitted?: () => void,
    onFailed?: (err: unknown) => void,
  ): void {
    if (!this.known) return this.whenKnown(() => this.write(update, frame, origin, onCommitted, onFailed))
    if (this.deletedAt) {
      origin?.close(CloseCode.DocumentDeleted, 'document was deleted')
      return onFailed?.(new Error('document was deleted'))
    }
    this.pendingWrites++
    this.ctx.committer.enqueue({
      doc: this.name,
      update,
      committed: () => {
        this.pendingWrites--
        this.committed(update, frame ?? encodeUpdate(update), origin)
        onCommitted?.()
      },
      failed: (err) => {
        this.pendingWrites--
        // Not committed, so never broadcast or acknowledged. The writer still has the change
        // and sends it again in the state-vector exchange after it reconnects.
        origin?.close(CloseCode.StorageUnavailable, 'storage unavailable')
        onFailed?.(err)
      },
    })
  }

  /**
   * Runs `onCommitted` once every write queued before it is committed: how a sync message that
   * carried nothing new is acknowledged without reordering acks.
   */
  afterWrites(origin: Peer, onCommitted: () => void): void {
    if (!this.known) return this.whenKnown(() => this.afterWrites(origin, onCommitted))
    if (this.deletedAt) return origin.close(CloseCode.DocumentDeleted, 'document was deleted')
    this.pendingWrites++
    this.ctx.committer.enqueue({
      doc: this.name,
      update: null,
      committed: () => {
        this.pendingWrites--
        onCommitted()
      },
      failed: () => {
        this.pendingWrites--
        origin.close(CloseCode.StorageUnavailable, 'storage unavailable')
      },
    })
  }

  /** What a peer gets on joining: the server's state vector, then everyone's presence. */
  greet(peer: Peer): void {
    this.getState().then(
      (state) => {
        if (this.deletedAt) return peer.close(CloseCode.DocumentDeleted, 'document was deleted')
        try {
          peer.send(encodeSyncStep1(state.getStateVector()))
        } catch (err) {
          this.ctx.log.error('cannot read document state', { doc: this.name, error: String(err) })
          return peer.close(CloseCode.InternalError, 'document state unreadable')
        }
        if (this.awareness.size > 0) peer.send(encodeAwareness(this.awareness.entries()))
      },
      (err) => {
        this.ctx.log.error('loading document failed', { doc: this.name, error: String(err) })
        peer.close(CloseCode.StorageUnavailable, 'could not load document')
      },
    )
  }

  private committed(update: Uint8Array, frame: Uint8Array, origin: Peer | null): void {
    this.received(update, frame, origin)
    this.ctx.cluster?.publish(this.name, 'update', update)
  }

  /** Another instance committed `update` to the shared storage: it is ours to forward. */
  remoteUpdate(update: Uint8Array): void {
    this.received(update, encodeUpdate(update), null)
  }

  private received(update: Uint8Array, frame: Uint8Array, origin: Peer | null): void {
    if (this.state && !this.state.add(update)) this.state = null
    else if (this.loading) this.committedDuringLoad.push(update)
    this.logUpdates++
    this.logBytes += update.length
    for (const conn of this.conns) if (conn !== origin) conn.send(frame)
    this.maybeCompact()
  }

  /**
   * After a period in which other instances' messages may have been lost: reload from
   * storage and send the local peers whatever they missed (the difference to what this
   * instance held before).
   */
  resync(): void {
    if (this.conns.size === 0) return
    const before = this.state?.getStateVector() ?? null
    this.state = null
    this.getState().then(
      (state) => {
        const missed = before ? state.diff(before) : state.update()
        if (!isEmptyUpdate(missed)) this.broadcast(encodeUpdate(missed))
      },
      (err) => this.ctx.log.error('resync failed', { doc: this.name, error: String(err) }),
    )
  }

  /**
   * A compaction rewrites the whole snapshot, so it waits until the log is worth a quarter of
   * it (or passes the byte cap): that keeps its cost per update constant however large the
   * document grows, while the log a load must merge stays short.
   */
  private maybeCompact(): void {
    const { compactBytes, compactUpdates } = this.ctx.limits
    const due =
      this.logBytes >= compactBytes || (this.logUpdates >= compactUpdates && this.logBytes >= this.snapshotBytes / 4)
    if (due && !this.ctx.compactor.isQueued(this.name)) this.ctx.compactor.schedule(this.name)
  }

  /** Called by the compactor: the log no longer holds what it merged. */
  compacted(removedUpdates: number, removedBytes: number, snapshotBytes: number): void {
    this.logUpdates = Math.max(0, this.logUpdates - removedUpdates)
    this.logBytes = Math.max(0, this.logBytes - removedBytes)
    this.snapshotBytes = snapshotBytes
  }

  join(conn: Peer): void {
    this.conns.add(conn)
    this.lastActive = Date.now()
  }

  leave(conn: Peer): void {
    if (!this.conns.delete(conn)) return
    this.lastActive = Date.now()
    const removed = this.awareness.remove(conn.awarenessIds)
    conn.awarenessIds.clear()
    if (removed.length > 0) this.presenceChanged(removed, null)
  }

  /**
   * Presence entries this instance accepted: to every local peer (the sender too: stock
   * clients count any message as proof the link is alive) and to the other instances.
   * `frame` is the message as received when it can be forwarded unchanged.
   */
  presenceChanged(entries: AwarenessEntry[], frame: Uint8Array | null): void {
    this.broadcast(frame ?? encodeAwareness(entries))
    this.ctx.cluster?.publish(this.name, 'awareness', encodeAwarenessUpdate(entries))
  }

  /** Presence from another instance; its clients are owned by that instance. */
  remoteAwareness(instanceId: string, update: Uint8Array): void {
    let owner = this.remoteOwners.get(instanceId)
    if (!owner) {
      owner = { ids: new Set<number>() }
      this.remoteOwners.set(instanceId, owner)
    }
    let entries: AwarenessEntry[]
    try {
      entries = decodeAwarenessUpdate(update, Number.MAX_SAFE_INTEGER)
      entries = this.awareness.apply(owner, entries, owner.ids, Number.MAX_SAFE_INTEGER)
    } catch {
      return
    }
    if (entries.length > 0) this.broadcast(encodeAwareness(entries))
  }

  broadcast(frame: Uint8Array, except?: Peer): void {
    for (const conn of this.conns) if (conn !== except) conn.send(frame)
  }

  /** Drops the cached state if unused for `idleMs`; it reloads from storage on demand. */
  releaseStateIfIdle(now: number, idleMs: number): void {
    if (this.state && !this.loading && now - this.lastActive >= idleMs) this.state = null
  }

  /** True when the room holds nothing that is not in storage and nobody uses it. */
  canEvict(now: number, idleMs: number): boolean {
    return this.conns.size === 0 && this.pendingWrites === 0 && !this.loading && now - this.lastActive >= idleMs
  }

  /** True while the log holds updates that a compaction would fold into the snapshot. */
  get hasLog(): boolean {
    return this.logUpdates > 0
  }

  get cachedBytes(): number {
    return this.state?.byteLength() ?? 0
  }
}
