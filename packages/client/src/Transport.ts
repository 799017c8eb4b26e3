import {
  backoffDelay,
  decodeTandemMessage,
  encodeTandemMessage,
  TandemMessageType as T,
  TANDEM_SUBPROTOCOL,
  type TandemMessage,
} from '@tandem/protocol'
import { Observable } from './Observable.ts'
import { type ChannelHandler, type ConnectionState, guarded, type SyncTransport } from './SyncTransport.ts'

export type { ChannelHandler, ConnectionState }

export interface TransportOptions {
  /** Server base URL, e.g. ws://127.0.0.1:1234. */
  url: string
  /** A WebSocket constructor; default globalThis.WebSocket (pass `ws` in Node). */
  WebSocket?: typeof WebSocket
  /** How often to ping; a connection that stays silent for `deadAfterMs` is dropped. */
  pingMs?: number
  deadAfterMs?: number
  backoff?: { baseMs?: number; capMs?: number; random?: () => number }
  onError?: (error: Error) => void
  /**
   * Returns a token for the server (sent in the first frame, never in the URL). Called on
   * every connect and when the server says the current one expires soon.
   */
  getToken?: () => string | Promise<string>
}

interface ChannelEntry {
  subscribe: (channel: number) => TandemMessage
  handler: ChannelHandler
}

/**
 * The one socket of a client: Tandem subprotocol, reconnect with exponential backoff and full
 * jitter, immediately again on the browser's `online` event, and an application-level ping
 * that notices a dead link (which TCP may not report for minutes).
 */
export class Transport implements SyncTransport {
  readonly state = new Observable<ConnectionState>('offline')
  /** Consecutive failed attempts; the next delay grows with it. */
  attempts = 0
  private ws: WebSocket | null = null
  private enabled = true
  private destroyed = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private readonly pingTimer: ReturnType<typeof setInterval>
  private lastHeard = 0
  private pingId = 0
  private nextChannel = 1
  private readonly channels = new Map<number, ChannelEntry>()
  private readonly onOnline = () => this.retryNow()

  constructor(private readonly options: TransportOptions) {
    this.pingTimer = setInterval(() => this.heartbeat(), options.pingMs ?? 5_000)
    globalThis.addEventListener?.('online', this.onOnline)
    this.connect()
  }

  /** Attaches a document; returns its channel id. */
  open(doc: string, handler: ChannelHandler): number {
    return this.openWith((channel) => ({ type: T.Subscribe, channel, doc }), handler)
  }

  /**
   * Attaches a record collection. `token` is read at every (re)subscribe, so a reconnect
   * pulls from where the last applied page left off.
   */
  openRecords(collection: string, handler: ChannelHandler, token: () => string): number {
    return this.openWith((channel) => ({ type: T.RecordsSubscribe, channel, collection, token: token() }), handler)
  }

  private openWith(subscribe: (channel: number) => TandemMessage, handler: ChannelHandler): number {
    const channel = this.nextChannel++
    const entry = { subscribe, handler }
    this.channels.set(channel, entry)
    // Handlers open their channel from their own constructor: starting it right here would call
    // `opened()` on an object (and an owner) still being built. A microtask runs before any
    // socket event, so no frame of this channel can arrive in between.
    if (this.state.value === 'connected') {
      queueMicrotask(() => {
        if (this.connected && this.channels.get(channel) === entry) this.start(channel, entry)
      })
    }
    return channel
  }

  /** Subscribes one channel; a handler that throws is reported and cannot stop the others. */
  private start(channel: number, { subscribe, handler }: ChannelEntry): void {
    this.send(subscribe(channel))
    guarded(() => handler.opened(), this.options.onError)
  }

  close(channel: number): void {
    if (this.channels.delete(channel)) this.send({ type: T.Unsubscribe, channel })
  }

  /** Sends if connected; returns false (and drops the frame) otherwise. */
  send(message: TandemMessage): boolean {
    if (this.state.value !== 'connected' || !this.ws) return false
    this.ws.send(encodeTandemMessage(message))
    return true
  }

  /** The "offline switch": pause the network without touching local work. */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return
    this.enabled = enabled
    if (enabled) this.retryNow()
    else this.drop()
  }

  private get connected(): boolean {
    return this.state.value === 'connected'
  }

  get isEnabled(): boolean {
    return this.enabled
  }

  destroy(): void {
    this.destroyed = true
    clearInterval(this.pingTimer)
    globalThis.removeEventListener?.('online', this.onOnline)
    this.drop()
  }

  private connect(): void {
    if (this.destroyed || !this.enabled || this.ws) return
    this.state.set('connecting')
    const WS = this.options.WebSocket ?? globalThis.WebSocket
    let ws: WebSocket
    try {
      ws = new WS(`${this.options.url.replace(/\/$/, '')}/`, TANDEM_SUBPROTOCOL)
    } catch (err) {
      this.options.onError?.(err as Error)
      return this.scheduleRetry()
    }
    ws.binaryType = 'arraybuffer'
    this.ws = ws
    ws.onopen = () => {
      this.lastHeard = Date.now()
      void this.hello(ws)
    }
    ws.onmessage = (event) => {
      if (this.ws !== ws) return
      this.lastHeard = Date.now()
      let message: TandemMessage
      try {
        message = decodeTandemMessage(new Uint8Array(event.data as ArrayBuffer))
      } catch (err) {
        this.options.onError?.(err as Error)
        return this.drop(true)
      }
      this.route(message)
    }
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return
      if ((event?.code ?? 0) >= 4000)
        this.options.onError?.(new Error(`server closed the connection: ${event.code} ${event.reason}`))
      this.drop(true)
    }
    ws.onerror = () => {}
  }

  /** Sends Hello with a fresh token; a token that cannot be had counts as a failed attempt. */
  private async hello(ws: WebSocket): Promise<void> {
    let token = ''
    try {
      token = (await this.options.getToken?.()) ?? ''
    } catch (err) {
      this.options.onError?.(new Error(`getToken failed: ${(err as Error).message}`))
      if (this.ws === ws) this.drop(true)
      return
    }
    if (this.ws === ws && ws.readyState === 1) ws.send(encodeTandemMessage({ type: T.Hello, version: 1, token }))
  }

  private route(m: TandemMessage): void {
    if (m.type === T.TokenExpiring) {
      if (this.ws) void this.hello(this.ws)
      return
    }
    if (m.type === T.Welcome) {
      // A Welcome after a token refresh on a live socket: nothing to resubscribe.
      if (this.state.value === 'connected') return
      this.attempts = 0
      this.state.set('connected')
      for (const [channel, entry] of [...this.channels]) {
        // A handler may close channels (its own or others) while they are started.
        if (!this.connected) return
        if (this.channels.get(channel) === entry) this.start(channel, entry)
      }
      return
    }
    if ('channel' in m) {
      const handler = this.channels.get(m.channel)?.handler
      if (handler) guarded(() => handler.message(m), this.options.onError)
    }
  }

  private heartbeat(): void {
    if (!this.ws || this.state.value === 'offline') return
    if (Date.now() - this.lastHeard > (this.options.deadAfterMs ?? 15_000)) {
      this.options.onError?.(new Error('connection silent for too long; reconnecting'))
      return this.drop(true)
    }
    if (this.state.value === 'connected') this.send({ type: T.Ping, id: ++this.pingId })
  }

  /** Tears the socket down; with `retry`, schedules the next attempt. */
  private drop(retry = false): void {
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null
      try {
        ws.close()
      } catch {}
    }
    const wasConnected = this.state.value === 'connected'
    this.state.set('offline')
    if (wasConnected)
      for (const { handler } of [...this.channels.values()]) guarded(() => handler.closed(), this.options.onError)
    if (retry) this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.destroyed || !this.enabled || this.retryTimer) return
    this.attempts++
    const delay = backoffDelay(this.attempts, { capMs: 30_000, ...this.options.backoff })
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.connect()
    }, delay)
  }

  private retryNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.attempts = 0
    this.connect()
  }
}
