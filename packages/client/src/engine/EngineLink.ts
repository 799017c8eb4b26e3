import { type EngineToTab, type PortLike, type TabToEngine, tabLockName } from './engineMessages.ts'

export interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>
}

/**
 * One tab's connection to one engine instance: its port, and the Web Lock the tab holds for
 * the link's lifetime, so the engine learns that the tab has gone (closed, crashed, frozen
 * for good) by being granted it. Nothing is posted before the lock is held.
 */
export class EngineLink {
  readonly tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  lastHeard = Date.now()
  private held: TabToEngine[] | null = []
  private releaseLock: (() => void) | null = null
  private closed = false

  constructor(
    private readonly port: PortLike,
    locks: LockManagerLike | undefined,
    onMessage: (m: EngineToTab) => void,
    private readonly onError: (error: Error) => void,
  ) {
    port.onmessage = (event: MessageEvent) => {
      this.lastHeard = Date.now()
      onMessage(event.data as EngineToTab)
    }
    port.start?.()
    if (!locks) {
      this.flush()
      return
    }
    locks
      .request(tabLockName(this.tab), () => {
        this.flush()
        if (this.closed) return Promise.resolve()
        return new Promise<void>((resolve) => {
          this.releaseLock = resolve
        })
      })
      .catch((err: unknown) => {
        onError(new Error(`tab lock: ${(err as Error).message}`))
        this.flush()
      })
  }

  post(message: TabToEngine): void {
    if (this.closed) return
    if (this.held) {
      this.held.push(message)
      return
    }
    try {
      this.port.postMessage(message)
    } catch (err) {
      this.onError(err as Error)
    }
  }

  /** Says goodbye (a live engine frees the tab's channels at once) and lets the lock go. */
  close(): void {
    if (this.closed) return
    // A link closed before it got its lock still says goodbye.
    this.flush()
    this.post({ t: 'bye' })
    this.closed = true
    this.releaseLock?.()
    this.port.onmessage = null
    this.port.close?.()
  }

  private flush(): void {
    const held = this.held ?? []
    this.held = null
    for (const message of held) this.post(message)
  }
}
