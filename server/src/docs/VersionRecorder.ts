import type { Logger } from '../ops/Logger.ts'
import { type RetentionPolicy, thinVersions } from '../storage/thinVersions.ts'
import type { VersionInfo, VersionStorage } from '../storage/VersionStorage.ts'
import type { Room } from './Room.ts'

export interface HistoryOptions {
  /** A version is taken once a document had no committed change for this long. */
  quietMs: number
  /** ...and at least every this many committed changes, so a busy document still gets versions. */
  everyChanges: number
  retention: RetentionPolicy
  /** The clock retention compares with (the storage stamps versions with its own). */
  now: () => number
}

interface Pending {
  room: Room
  changes: number
  authors: Set<string>
  timer: NodeJS.Timeout | null
}

/**
 * Turns each room's committed change stream into versions: at quiet points and every N
 * changes, plus on demand (named versions, restores). It listens to `RoomDoc.changes` only,
 * so the write path is untouched; changes another instance committed are left to the
 * instance that committed them, so a cluster records each version once.
 */
export class VersionRecorder {
  private readonly pending = new Map<string, Pending>()
  /** Per document, the version being written: versions of one document are added in order. */
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(
    readonly storage: VersionStorage,
    private readonly options: HistoryOptions,
    private readonly log: Logger,
  ) {}

  /** Starts recording `room`; the registry calls it once per room it creates. */
  attach(room: Room): () => void {
    return room.doc.changes.subscribe((change) => {
      if (change.local) this.changed(room, change.author)
    })
  }

  private changed(room: Room, author: string | null): void {
    let p = this.pending.get(room.name)
    if (!p) {
      p = { room, changes: 0, authors: new Set(), timer: null }
      this.pending.set(room.name, p)
    }
    p.room = room
    p.changes++
    p.authors.add(author ?? 'anonymous')
    if (p.timer) clearTimeout(p.timer)
    p.timer = null
    if (p.changes >= this.options.everyChanges) return void this.take(room)
    p.timer = setTimeout(() => this.take(room), this.options.quietMs)
    p.timer.unref()
  }

  private take(room: Room): void {
    this.record(room).catch((err: unknown) =>
      this.log.error('could not record a version', { doc: room.name, error: String(err) }),
    )
  }

  /**
   * Stores the room's current committed state as a version (named when `name` is given) and
   * applies retention to that document. Rejects when storage fails.
   */
  record(room: Room, extra: { name?: string | null; authors?: readonly string[] } = {}): Promise<VersionInfo | null> {
    const p = this.pending.get(room.name)
    if (p) {
      if (p.timer) clearTimeout(p.timer)
      this.pending.delete(room.name)
    }
    const previous = this.chains.get(room.name) ?? Promise.resolve()
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (room.deletedAt !== null) return null
        const state = await room.doc.current()
        const info = await this.storage.add({
          doc: room.name,
          state,
          authors: [...(extra.authors ?? []), ...(p?.authors ?? [])],
          name: extra.name ?? null,
        })
        const dropped = thinVersions(await this.storage.list(room.name), this.options.now(), this.options.retention)
        if (dropped.length > 0) await this.storage.remove(room.name, dropped)
        room.versionsChanged(info.id)
        return info
      })
    this.chains.set(room.name, next)
    void next
      .finally(() => {
        if (this.chains.get(room.name) === next) this.chains.delete(room.name)
      })
      .catch(() => undefined)
    return next
  }

  /**
   * Takes the versions still waiting for a quiet point (shutdown) and waits for every write,
   * at most `timeoutMs`: a document whose storage hangs must not hold the shutdown.
   */
  async flush(timeoutMs: number): Promise<void> {
    for (const p of [...this.pending.values()]) this.take(p.room)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled([...this.chains.values()]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs)
      }),
    ])
    clearTimeout(timer)
  }
}
