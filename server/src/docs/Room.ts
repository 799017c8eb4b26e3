import {
  type AwarenessEntry,
  CloseCode,
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessUpdate,
  encodeSyncStep1,
  encodeUpdate,
} from '@tandem/protocol'
import type { Peer } from './Peer.ts'
import { RoomAwareness } from './RoomAwareness.ts'
import type { RoomDeps } from './RoomDeps.ts'
import { RoomDoc } from './RoomDoc.ts'

/**
 * One document while anyone uses it: its connections, presence, and its integrated document
 * (`doc`). Every update goes check -> integrate -> group commit -> broadcast, so no peer ever
 * sees a change that a crash could still lose, or one that does not integrate.
 */
export class Room {
  readonly conns = new Set<Peer>()
  readonly awareness = new RoomAwareness()
  /** The document: writes, committed reads, and its change feed. */
  readonly doc: RoomDoc
  /** Per other instance, the presence clients it announced here. */
  private readonly remoteOwners = new Map<string, { ids: Set<number> }>()

  constructor(
    readonly name: string,
    private readonly ctx: RoomDeps,
    /** Resolves once this instance hears the room's channel (null without a cluster). */
    subscribed: Promise<void> | null = null,
  ) {
    this.doc = new RoomDoc(
      name,
      ctx,
      (update, origin, local) => this.forward(update, origin, local),
      () => {
        for (const peer of [...this.conns]) peer.close(CloseCode.StorageUnavailable, 'storage unavailable')
      },
      subscribed,
    )
    // Presence is in no storage: whoever was here before this instance listened must tell it.
    subscribed?.then(() => this.askPresence())
  }

  get deletedAt(): number | null {
    return this.doc.deletedAt
  }

  /** An operator deleted the document: everyone here is told and nothing more is accepted. */
  markDeleted(at: number): void {
    this.doc.markDeleted(at)
    for (const peer of [...this.conns]) peer.close(CloseCode.DocumentDeleted, 'document was deleted')
  }

  /** An operator imported a document under this name: load it afresh. */
  undelete(): void {
    this.doc.undelete()
  }

  /** What a peer gets on joining: the server's state vector, then everyone's presence. */
  greet(peer: Peer): void {
    this.doc
      .read((state) => state.getStateVector())
      .then(
        (stateVector) => {
          if (this.deletedAt) return peer.close(CloseCode.DocumentDeleted, 'document was deleted')
          peer.send(encodeSyncStep1(stateVector))
          if (this.awareness.size > 0) peer.send(encodeAwareness(this.awareness.entries()))
        },
        (err) => {
          this.ctx.log.error('loading document failed', { doc: this.name, error: String(err) })
          peer.close(CloseCode.StorageUnavailable, 'could not load document')
        },
      )
  }

  /** A committed change: to every peer but its origin, and (if it is ours) to the other instances. */
  private forward(update: Uint8Array, origin: Peer | null, local: boolean): void {
    const frame = encodeUpdate(update)
    for (const conn of this.conns) if (conn !== origin) conn.send(frame)
    if (local) this.ctx.cluster?.publish(this.name, 'update', update)
    this.maybeCompact()
  }

  /** Another instance committed `update` to the shared storage: it is ours to integrate and forward. */
  remoteUpdate(update: Uint8Array): void {
    this.doc.logUpdates++
    this.doc.logBytes += update.length
    this.doc.remote(update)
  }

  /**
   * After a period in which other instances' messages may have been lost: integrate what
   * storage holds; what this instance lacked is forwarded to its peers as it integrates.
   */
  resync(): void {
    if (this.conns.size === 0) return
    this.askPresence()
    this.doc.resync().catch((err) => this.ctx.log.error('resync failed', { doc: this.name, error: String(err) }))
  }

  /** Asks the other instances for their clients' presence and tells them ours. */
  private askPresence(): void {
    this.ctx.cluster?.publish(this.name, 'presence-query', new Uint8Array(0))
    this.announcePresence()
  }

  /** Another instance asked (it started serving this room, or may have missed messages). */
  announcePresence(): void {
    const entries: AwarenessEntry[] = []
    for (const conn of this.conns) entries.push(...this.awareness.entriesOf(conn.awarenessIds))
    if (entries.length > 0) this.ctx.cluster?.publish(this.name, 'awareness', encodeAwarenessUpdate(entries))
  }

  /**
   * A compaction rewrites the whole snapshot, so it waits until the log is worth a quarter of
   * it (or passes the byte cap): that keeps its cost per update constant however large the
   * document grows, while the log a load must integrate stays short.
   */
  private maybeCompact(): void {
    const { compactBytes, compactUpdates } = this.ctx.limits
    const { logBytes, logUpdates, snapshotBytes } = this.doc
    const due = logBytes >= compactBytes || (logUpdates >= compactUpdates && logBytes >= snapshotBytes / 4)
    if (due && !this.ctx.compactor.isQueued(this.name)) this.ctx.compactor.schedule(this.name)
  }

  /**
   * Another instance holds the compaction lease and folds the log: counting starts again
   * here, so this instance does not ask for the lease on every commit meanwhile.
   */
  compactionDeferred(): void {
    this.doc.logUpdates = 0
    this.doc.logBytes = 0
  }

  /** Called by the compactor: the log no longer holds what it merged. */
  compacted(removedUpdates: number, removedBytes: number, snapshotBytes: number): void {
    this.doc.logUpdates = Math.max(0, this.doc.logUpdates - removedUpdates)
    this.doc.logBytes = Math.max(0, this.doc.logBytes - removedBytes)
    this.doc.snapshotBytes = snapshotBytes
  }

  join(conn: Peer): void {
    this.conns.add(conn)
    this.doc.lastActive = Date.now()
  }

  leave(conn: Peer): void {
    if (!this.conns.delete(conn)) return
    this.doc.lastActive = Date.now()
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

  /** A version was recorded (or the list thinned): peers that can be told are. */
  versionsChanged(newest: number): void {
    for (const conn of this.conns) conn.versionsChanged?.(newest)
  }

  broadcast(frame: Uint8Array, except?: Peer): void {
    for (const conn of this.conns) if (conn !== except) conn.send(frame)
  }

  /** Drops the document from memory if unused for `idleMs`; it reloads from storage on demand. */
  releaseStateIfIdle(now: number, idleMs: number): void {
    this.doc.releaseIfIdle(now, idleMs)
    this.doc.expireHeld(now)
  }

  /** True when the room holds nothing that is not in storage and nobody uses it. */
  canEvict(now: number, idleMs: number): boolean {
    return this.conns.size === 0 && !this.doc.busy && this.doc.heldBytes === 0 && now - this.lastActive >= idleMs
  }

  /** When the room last had a connection or a document request; drives eviction. */
  get lastActive(): number {
    return this.doc.lastActive
  }

  /** True while the log holds updates that a compaction would fold into the snapshot. */
  get hasLog(): boolean {
    return this.doc.logUpdates > 0
  }

  get cachedBytes(): number {
    return this.doc.cachedBytes
  }
}
