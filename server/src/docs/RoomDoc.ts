import { DocChanges } from './DocChanges.ts'
import { HeldWrites } from './HeldWrites.ts'
import type { DecodedUpdate } from './integrityProblem.ts'
import { IntegrityError, LiveDoc } from './LiveDoc.ts'
import { loadLiveDoc } from './loadLiveDoc.ts'
import type { Peer } from './Peer.ts'
import type { RoomDeps } from './RoomDeps.ts'

/** Why a write was not committed; writeGate turns each into a close code or HTTP status. */
export class WriteFailed extends Error {
  override readonly name = 'WriteFailed'
  constructor(
    readonly reason: 'deleted' | 'storage' | 'held-dropped',
    message: string,
  ) {
    super(message)
  }
}

type Work = { run(state: LiveDoc): void; fail(err: unknown): void }

/** Other instances' commits wait at most this many (or bytes) before being integrated here. */
const BACKLOG_UPDATES = 256
const BACKLOG_BYTES = 1024 * 1024
/** How long a load waits for the cluster channel to be live before reading storage anyway. */
const SUBSCRIBE_WAIT_MS = 1_000

/**
 * One document's integrated state while its room lives: loaded (and repaired) once, every
 * write checked and integrated in arrival order, what integrated committed, and only then
 * handed to `forward`. Reads wait until what they see is committed, so nobody is served a
 * change a crash could still lose.
 */
export class RoomDoc {
  deletedAt: number | null = null
  /** Writes enqueued for commit and not yet committed or failed. */
  pendingWrites = 0
  lastActive = Date.now()
  /** The committed changes in order, for history, hooks and webhooks. */
  readonly changes: DocChanges
  private state: LiveDoc | null = null
  private loading: Promise<void> | null = null
  private readonly queue: Work[] = []
  private committedDuringLoad: Uint8Array[] = []
  /** Integrated but not yet committed: a reload applies them again. */
  private readonly uncommitted = new Set<Uint8Array>()
  private readonly held = new HeldWrites()
  /** Other instances' commits already forwarded here but not yet integrated (see `remote`). */
  private backlog: Uint8Array[] = []
  private backlogBytes = 0
  /** False until the room's cluster channel is live (true without a cluster). */
  private listening: boolean
  logUpdates = 0
  logBytes = 0
  snapshotBytes = 0

  constructor(
    readonly name: string,
    private readonly ctx: RoomDeps,
    /** Called with each committed change (local or another instance's) for the room's peers. */
    private readonly forward: (update: Uint8Array, origin: Peer | null, local: boolean) => void,
    /** Storage failed: the room's peers must resync (the document in memory was reset). */
    private readonly reset: () => void,
    /** Resolves once other instances' commits to this document are heard (null: no cluster). */
    private readonly subscribed: Promise<void> | null = null,
  ) {
    this.changes = new DocChanges((err) => ctx.log.error('change listener failed', { doc: name, error: String(err) }))
    this.listening = subscribed === null
    subscribed?.then(() => {
      this.listening = true
    })
  }

  /** Runs `read` on the state once every earlier write is integrated; resolves once those are committed. */
  read<T>(read: (state: LiveDoc) => T): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.whenLoaded({
        run: (state) => {
          let value: T
          try {
            value = read(state)
          } catch (err) {
            return reject(err)
          }
          if (this.pendingWrites === 0) resolve(value)
          else this.barrier().then(() => resolve(value), reject)
        },
        fail: reject,
      }),
    )
  }

  /** The current committed state as one update. */
  current(): Promise<Uint8Array> {
    return this.read((state) => state.update())
  }

  /** Resolves once every write enqueued so far is committed. */
  barrier(): Promise<void> {
    if (this.state && this.pendingWrites === 0 && this.queue.length === 0 && !this.loading) return Promise.resolve()
    return new Promise((resolve, reject) =>
      this.whenLoaded({
        run: () => {
          if (this.pendingWrites === 0) return resolve()
          this.pendingWrites++
          this.ctx.committer.enqueue({
            doc: this.name,
            update: null,
            committed: () => {
              this.pendingWrites--
              resolve()
            },
            failed: (err) => {
              this.pendingWrites--
              reject(err)
            },
          })
        },
        fail: reject,
      }),
    )
  }

  /**
   * Checks and integrates `update`, commits what integrated and forwards it to everyone but
   * `origin`. Rejects with IntegrityError (nothing applied, nothing stored) or WriteFailed.
   * Content waiting for a dependency resolves the promise only once it integrated.
   */
  write(update: Uint8Array, decoded: DecodedUpdate, origin: Peer | null): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.whenLoaded({
        run: (state) => this.integrate(state, update, decoded, origin, resolve, reject),
        fail: reject,
      }),
    )
  }

  private integrate(
    state: LiveDoc,
    update: Uint8Array,
    decoded: DecodedUpdate,
    origin: Peer | null,
    resolve: () => void,
    reject: (err: unknown) => void,
  ): void {
    if (this.deletedAt) return reject(new WriteFailed('deleted', 'document was deleted'))
    const problem = state.check(decoded)
    if (problem) return reject(new IntegrityError(problem))
    const heldBefore = state.heldBytes()
    let integrated: Uint8Array | null
    try {
      integrated = state.integrate(update)
    } catch (err) {
      this.ctx.log.error('a checked update failed to integrate; reloading the document', {
        doc: this.name,
        error: String(err),
      })
      this.rebuild()
      return reject(new IntegrityError(`does not integrate: ${String(err)}`))
    }
    const held = state.heldBytes()
    const released = held === 0 ? this.held.takeAll() : null
    const partCommitted = this.held.track(held > 0 && held !== heldBefore, resolve, reject)
    if (held > this.ctx.limits.maxHeldBytes) this.dropHeld('bytes')
    const finish = () => {
      released?.()
      partCommitted()
    }
    if (!integrated) return this.pendingWrites === 0 ? finish() : void this.barrier().then(finish, reject)
    this.commit(integrated, origin, finish, reject)
  }

  private commit(update: Uint8Array, origin: Peer | null, done: () => void, reject: (err: unknown) => void): void {
    this.pendingWrites++
    this.uncommitted.add(update)
    this.ctx.committer.enqueue({
      doc: this.name,
      update,
      committed: () => {
        this.pendingWrites--
        this.uncommitted.delete(update)
        this.logUpdates++
        this.logBytes += update.length
        this.forward(update, origin, true)
        this.changes.emit(update, true, origin?.author ?? null)
        done()
      },
      failed: () => {
        this.pendingWrites--
        this.uncommitted.delete(update)
        // The document in memory holds what storage does not: start again from storage, and
        // make every peer sync again (each sends what the relay then lacks).
        this.rebuild()
        this.reset()
        reject(new WriteFailed('storage', 'storage unavailable'))
      },
    })
  }

  /**
   * Another instance committed `update` (what integrated into its document). With the document
   * in memory, what integrates here is forwarded; without it (released while idle, or loading)
   * the peers here still need it, and it is forwarded as committed: a load reads it from
   * storage, so it would never show up as newly integrated.
   */
  remote(update: Uint8Array): void {
    this.forward(update, null, false)
    this.changes.emit(update, false)
    if (this.loading) this.committedDuringLoad.push(update)
    else if (this.state) {
      this.backlog.push(update)
      this.backlogBytes += update.length
      if (this.backlog.length >= BACKLOG_UPDATES || this.backlogBytes >= BACKLOG_BYTES) this.caughtUp()
    }
  }

  /**
   * The state with every commit heard from other instances integrated, or null when that
   * failed and the document must be loaded again. Those commits were checked and integrated
   * by the instance that made them and are in storage, so they are applied unchecked, all in
   * one Yjs transaction; should one still throw, the document is rebuilt from storage.
   */
  private caughtUp(): LiveDoc | null {
    const state = this.state
    if (!state || this.backlog.length === 0) return state
    const parts = this.backlog
    this.backlog = []
    this.backlogBytes = 0
    try {
      state.integrateAll(parts)
    } catch (err) {
      this.ctx.log.error("another instance's commit failed to integrate; reloading the document", {
        doc: this.name,
        error: String(err),
      })
      this.rebuild()
    }
    return this.state
  }

  /** Storage may hold changes this instance never heard of (lost messages): integrate them. */
  async resync(): Promise<void> {
    if (!this.state) return
    const stored = await this.ctx.storage.load(this.name)
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
    for (const part of parts) {
      const state = this.caughtUp()
      if (state) this.applyCommitted(state, part)
    }
  }

  private applyCommitted(state: LiveDoc, update: Uint8Array): void {
    if (state.check(update)) return
    try {
      const integrated = state.integrate(update)
      if (integrated) {
        this.forward(integrated, null, false)
        this.changes.emit(integrated, false)
      }
    } catch {
      this.rebuild()
    }
  }

  private whenLoaded(work: Work): void {
    this.lastActive = Date.now()
    if (this.state && this.queue.length === 0 && !this.loading) {
      const state = this.caughtUp()
      if (state) return work.run(state)
    }
    this.queue.push(work)
    if (!this.loading) this.startLoad()
  }

  private startLoad(): void {
    this.loading = this.load().then(
      () => {
        this.loading = null
        this.drain()
      },
      (err) => {
        this.loading = null
        for (const work of this.queue.splice(0)) work.fail(err)
      },
    )
  }

  private drain(): void {
    // Those who waited for the load use the document now: it is not idle.
    this.lastActive = Date.now()
    while (this.queue.length > 0) {
      const state = this.caughtUp()
      if (!state) return this.startLoad()
      this.queue.shift()!.run(state)
    }
  }

  private async load(): Promise<void> {
    this.committedDuringLoad = []
    const heard = await this.untilListening()
    const { live, deletedAt, logUpdates, logBytes, snapshotBytes } = await loadLiveDoc(this.name, this.ctx)
    this.deletedAt = deletedAt
    this.logUpdates = logUpdates
    this.logBytes = logBytes
    this.snapshotBytes = snapshotBytes
    // Remote commits heard meanwhile may or may not be in what was read; integrating twice is harmless.
    for (const update of [...this.committedDuringLoad, ...this.uncommitted]) {
      if (!live.check(update)) live.integrate(update)
    }
    this.committedDuringLoad = []
    this.state = live
    // Read before the channel was live: a commit made in between is only in storage.
    if (!heard) this.subscribed?.then(() => this.resync()).catch(() => {})
  }

  /**
   * Waits (a bounded time) for the cluster channel to be live, so the load reads storage only
   * once every later commit of another instance is heard; true if it is. With the link down
   * there is nothing to wait for: the resync when it returns reads what was missed.
   */
  private async untilListening(): Promise<boolean> {
    if (this.listening || !this.subscribed) return true
    if (!this.ctx.cluster?.pubsub.healthy) return false
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.subscribed,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)
      }),
    ])
    clearTimeout(timer)
    return this.listening
  }

  /** Drops the document in memory; the next use loads it from storage (plus what is uncommitted). */
  private rebuild(): void {
    this.state?.destroy()
    this.state = null
    // Committed elsewhere, so the next load reads them from storage.
    this.backlog = []
    this.backlogBytes = 0
    this.held.rejectAll(new WriteFailed('held-dropped', 'document reloaded'))
  }

  /** Held content past its byte or time bound is dropped; its writers are told to sync again. */
  dropHeld(reason: 'bytes' | 'time'): void {
    const bytes = this.state?.dropHeld() ?? 0
    this.ctx.metrics.inc('tandem_held_dropped_total', 'Held updates dropped unresolved, by bound', { reason })
    this.ctx.log.warn('dropped updates that waited for a dependency', { doc: this.name, bytes, reason })
    this.held.rejectAll(new WriteFailed('held-dropped', 'update waited too long for what it builds on'))
  }

  expireHeld(now: number): void {
    const since = this.state?.heldSince
    if (since != null && now - since >= this.ctx.limits.heldMs) this.dropHeld('time')
  }

  get heldBytes(): number {
    return this.state?.heldBytes() ?? 0
  }

  /** An operator deleted the document. */
  markDeleted(at: number): void {
    this.deletedAt = at
    this.rebuild()
    this.state = LiveDoc.empty()
  }

  /** An operator imported a document under this name: load it afresh. */
  undelete(): void {
    this.deletedAt = null
    this.rebuild()
  }

  /** Drops the document from memory if unused for `idleMs` and nothing is in flight or held. */
  releaseIfIdle(now: number, idleMs: number): void {
    if (!this.state || this.loading || this.queue.length > 0 || this.pendingWrites > 0) return
    if (this.state.heldBytes() === 0 && now - this.lastActive >= idleMs) this.rebuild()
  }

  get busy(): boolean {
    return this.pendingWrites > 0 || this.loading !== null || this.queue.length > 0
  }

  get cachedBytes(): number {
    return this.state?.byteLength() ?? 0
  }
}
