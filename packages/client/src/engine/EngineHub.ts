import { Transport } from '../Transport.ts'
import type { EngineTuning } from './engineMessages.ts'

/** How long one tab gets to produce a token before the next tab is asked. */
const TOKEN_WAIT_MS = 10_000

interface TokenRequest {
  resolve(token: string): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout>
}

/** What the hub needs of a tab (a TabSession). */
export interface HubTab {
  readonly hasToken: boolean
  askToken(id: number): void
  error(message: string): void
}

export interface EngineHubOptions {
  url: string
  tuning: EngineTuning
  /** Only for running the engine outside a browser (tests); browsers have their own. */
  WebSocket?: typeof WebSocket
  /** Called when the last tab of this server has gone. */
  onEmpty(): void
}

/**
 * The one socket of every tab of an origin for one server URL. Tabs come and go; the socket
 * stays while any is left. A token is asked of the tabs in turn, so a closed or frozen tab
 * cannot stop the others from connecting.
 */
export class EngineHub {
  readonly transport: Transport
  private readonly tabs = new Set<HubTab>()
  private readonly requests = new Map<number, TokenRequest>()
  private nextRequest = 1

  constructor(private readonly options: EngineHubOptions) {
    this.transport = new Transport({
      url: options.url,
      WebSocket: options.WebSocket,
      pingMs: options.tuning.pingMs,
      deadAfterMs: options.tuning.deadAfterMs,
      backoff: options.tuning.backoff,
      onError: (error) => {
        for (const tab of this.tabs) tab.error(error.message)
      },
      getToken: () => this.token(),
    })
  }

  join(tab: HubTab): void {
    this.tabs.add(tab)
  }

  leave(tab: HubTab): void {
    if (!this.tabs.delete(tab) || this.tabs.size > 0) return
    this.transport.destroy()
    for (const id of [...this.requests.keys()]) this.take(id)?.reject(new Error('every tab has gone'))
    this.options.onEmpty()
  }

  /** A tab answered a token request. */
  answer(id: number, token: string | undefined, error: string | undefined): void {
    const request = this.take(id)
    if (!request) return
    if (typeof token === 'string') request.resolve(token)
    else request.reject(new Error(error ?? 'no token'))
  }

  private async token(): Promise<string> {
    const askable = [...this.tabs].filter((tab) => tab.hasToken)
    // Tabs that never passed getToken connect without one, as an in-page client would.
    if (askable.length === 0) return ''
    let last: Error = new Error('no tab could provide a token')
    for (const tab of askable) {
      if (!this.tabs.has(tab)) continue
      try {
        return await this.ask(tab)
      } catch (err) {
        last = err as Error
      }
    }
    throw last
  }

  private ask(tab: HubTab): Promise<string> {
    const id = this.nextRequest++
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => this.take(id)?.reject(new Error('a tab did not answer for a token in time')),
        TOKEN_WAIT_MS,
      )
      this.requests.set(id, { resolve, reject, timer })
      tab.askToken(id)
    })
  }

  /** Removes a pending request (and its timer) to settle it. */
  private take(id: number): TokenRequest | undefined {
    const request = this.requests.get(id)
    if (!request) return undefined
    this.requests.delete(id)
    clearTimeout(request.timer)
    return request
  }
}
