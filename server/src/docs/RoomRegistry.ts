import { Room } from './Room.ts'
import type { RoomDeps } from './RoomDeps.ts'

/**
 * The rooms in memory. A room is created on first use and evicted by a periodic sweep once it
 * has had no connection for `roomIdleMs` and holds no uncommitted write.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>()
  private readonly sweepTimer: NodeJS.Timeout

  private readonly unsubscribe: (() => void)[] = []

  constructor(
    private readonly ctx: RoomDeps,
    /** Told of each room it creates: history and change hooks subscribe to its feed. */
    private readonly onCreate: (room: Room) => void = () => {},
  ) {
    const { roomIdleMs, stateIdleMs } = ctx.limits
    const every = Math.max(10, Math.min(roomIdleMs, stateIdleMs, 5_000) / 2)
    this.sweepTimer = setInterval(() => this.sweep(), every)
    this.sweepTimer.unref()
    // Events reach a room only while it is loaded: an evicted one reads storage when it returns.
    this.unsubscribe.push(ctx.compactor.onCompacted((doc, n, bytes, size) => this.peek(doc)?.compacted(n, bytes, size)))
    this.unsubscribe.push(ctx.compactor.onDeferred((doc) => this.peek(doc)?.compactionDeferred()))
    const cluster = ctx.cluster
    if (cluster) {
      this.unsubscribe.push(
        cluster.onDocMessage((doc, m) => {
          const room = this.peek(doc)
          if (m.kind === 'update') room?.remoteUpdate(m.update)
          else if (m.kind === 'awareness') room?.remoteAwareness(m.from, m.update)
          else if (m.kind === 'deleted') room?.markDeleted(Date.now())
          else if (m.kind === 'restored') room?.undelete()
          else if (m.kind === 'presence-query') room?.announcePresence()
          else if (m.kind === 'resync') room?.resync()
        }),
      )
    }
  }

  /** Messages from the other instances may have been lost: every loaded room reads what it missed. */
  resync(): void {
    for (const room of this.rooms.values()) room.resync()
  }

  get(name: string): Room {
    let room = this.rooms.get(name)
    if (!room) {
      // Subscribed before anything is loaded: the load waits until the channel is live, so no
      // commit of another instance falls between what storage returned and what is heard.
      room = new Room(name, this.ctx, this.ctx.cluster?.join(name) ?? null)
      this.rooms.set(name, room)
      this.onCreate(room)
    }
    return room
  }

  peek(name: string): Room | undefined {
    return this.rooms.get(name)
  }

  sweep(now = Date.now()): void {
    const { roomIdleMs, stateIdleMs } = this.ctx.limits
    for (const [name, room] of this.rooms) {
      if (room.canEvict(now, roomIdleMs)) {
        this.rooms.delete(name)
        this.ctx.cluster?.leave(name)
        // An idle document is folded into its snapshot, so its next open reads one row.
        if (room.hasLog) this.ctx.compactor.schedule(name)
      } else room.releaseStateIfIdle(now, stateIdleMs)
    }
  }

  get size(): number {
    return this.rooms.size
  }

  values(): IterableIterator<Room> {
    return this.rooms.values()
  }

  stop(): void {
    clearInterval(this.sweepTimer)
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe()
  }
}
