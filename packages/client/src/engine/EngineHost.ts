import { EngineHub } from './EngineHub.ts'
import { ENGINE_PROTOCOL, type PortLike, type TabToEngine, tabLockName } from './engineMessages.ts'
import { TabSession } from './TabSession.ts'

interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>
}

export interface EngineHostOptions {
  /** Web Locks, to learn that a tab has gone; without them a tab's `bye` is all there is. */
  locks?: LockManagerLike
  /** Only for running the engine outside a browser (tests). */
  WebSocket?: typeof WebSocket
}

/**
 * The engine inside a SharedWorker: one hub (one socket) per server URL, whatever number of
 * tabs use it. A port's first message must be its hello; anything malformed is answered with
 * an error on that port and changes nothing for the other tabs.
 */
export class EngineHost {
  private readonly hubs = new Map<string, EngineHub>()

  constructor(private readonly options: EngineHostOptions = {}) {}

  /** A tab connected (the SharedWorker's `connect` event, or a MessageChannel in tests). */
  connect(port: PortLike): void {
    let session: TabSession | null = null
    port.onmessage = (event: MessageEvent) => {
      const m = event.data as TabToEngine
      try {
        if (typeof m !== 'object' || m === null || typeof m.t !== 'string') throw new Error('not an engine message')
        if (session) return session.receive(m)
        if (m.t !== 'hello') throw new Error(`expected hello, got ${m.t}`)
        if (m.v !== ENGINE_PROTOCOL) {
          const reason = `this shared worker speaks engine protocol ${ENGINE_PROTOCOL}, the tab ${m.v}`
          return port.postMessage({ t: 'refused', reason })
        }
        session = this.welcome(port, m)
      } catch (err) {
        port.postMessage({ t: 'error', message: `engine: ${(err as Error).message}` })
      }
    }
    port.start?.()
  }

  /** Servers this engine holds a socket to (one per URL, whatever number of tabs). */
  hubCount(): number {
    return this.hubs.size
  }

  private welcome(port: PortLike, hello: Extract<TabToEngine, { t: 'hello' }>): TabSession {
    if (typeof hello.url !== 'string' || !/^wss?:\/\//.test(hello.url)) throw new Error(`bad server URL ${hello.url}`)
    let hub = this.hubs.get(hello.url)
    if (!hub) {
      const created: EngineHub = new EngineHub({
        url: hello.url,
        tuning: hello.tuning ?? {},
        WebSocket: this.options.WebSocket,
        onEmpty: () => {
          if (this.hubs.get(hello.url) === created) this.hubs.delete(hello.url)
        },
      })
      hub = created
      this.hubs.set(hello.url, hub)
    }
    const session = new TabSession(port, hub, hello.hasToken === true, Number.isSafeInteger(hello.gen) ? hello.gen : 0)
    // The tab holds this lock for as long as it lives; it is ours once the tab has gone.
    this.options.locks?.request(tabLockName(String(hello.tab)), () => session.leave()).catch(() => {})
    return session
  }
}
