/**
 * How relay instances tell each other about committed changes: a small interface over bytes,
 * like the storage one. In-process (one relay, or several in one test process) or Redis.
 * Delivery is best effort; a subscriber that may have missed messages is told through
 * `onResync`, and the relay then recovers from storage, which is the source of truth.
 */
export interface PubSub {
  publish(channel: string, message: Uint8Array): Promise<void>
  /**
   * Resolves once messages published from then on reach `handler` (Redis: the SUBSCRIBE is
   * confirmed); what was published before may be missed, so the caller then reads storage.
   * It may stay pending while the link is down.
   */
  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<void> | void
  unsubscribe(channel: string): void
  /** Called after a period in which messages may have been lost (a dropped Redis link). */
  onResync(handler: () => void): void
  /** True while messages flow (for /readyz). */
  readonly healthy: boolean
  close(): Promise<void>
}

/** Instances in one process share a hub; each relay gets its own MemoryPubSub on it. */
export class MemoryHub {
  readonly members = new Set<MemoryPubSub>()
}

export class MemoryPubSub implements PubSub {
  private readonly handlers = new Map<string, (message: Uint8Array) => void>()
  private readonly resyncs: (() => void)[] = []
  healthy = true

  constructor(private readonly hub: MemoryHub = new MemoryHub()) {
    hub.members.add(this)
  }

  async publish(channel: string, message: Uint8Array): Promise<void> {
    for (const member of this.hub.members) {
      if (member !== this && member.healthy) member.handlers.get(channel)?.(message)
    }
  }

  /**
   * Resolves once messages published from then on reach `handler` (Redis: the SUBSCRIBE is
   * confirmed); what was published before may be missed, so the caller then reads storage.
   * It may stay pending while the link is down.
   */
  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<void> | void {
    this.handlers.set(channel, handler)
  }

  unsubscribe(channel: string): void {
    this.handlers.delete(channel)
  }

  onResync(handler: () => void): void {
    this.resyncs.push(handler)
  }

  /** For tests: drop the link (messages are lost) and bring it back (subscribers resync). */
  setConnected(connected: boolean): void {
    const wasDown = !this.healthy
    this.healthy = connected
    if (connected && wasDown) for (const h of this.resyncs) h()
  }

  async close(): Promise<void> {
    this.hub.members.delete(this)
  }
}
