import type { TandemMessage } from '@tandem/protocol'
import { Observable } from '../Observable.ts'
import { type ChannelHandler, type ConnectionState, guarded, type SyncTransport } from '../SyncTransport.ts'
import { EngineLink, type LockManagerLike } from './EngineLink.ts'
import {
  type ChannelSubject,
  ENGINE_PROTOCOL,
  type EngineToTab,
  type EngineTuning,
  type PortLike,
} from './engineMessages.ts'
import { OwnSocket } from './OwnSocket.ts'

export interface WorkerTransportOptions {
  url: string
  /** A port to the engine: a SharedWorker's `port`, or one end of a MessageChannel. */
  connect: () => PortLike
  tuning?: EngineTuning
  getToken?: () => string | Promise<string>
  onError?: (error: Error) => void
  /** Web Locks of this page; without them the engine learns of the tab's end from `bye` only. */
  locks?: LockManagerLike
  /** A socket of the tab's own, for when the engine refuses it (another release's engine). */
  fallback?: () => SyncTransport
}

interface PageChannel {
  subject: ChannelSubject
  handler: ChannelHandler
  token?: () => string
  /** Between the engine's opened and closed for the current switch generation. */
  live: boolean
}

/**
 * A SyncTransport whose socket lives in the SharedWorker engine: all tabs of the origin share
 * it. Channels, the offline switch and errors stay this tab's own. The engine keeps nothing
 * that matters, so an engine that stops answering (its process crashed) is replaced at the
 * cost of a reconnect, never of an edit: those live in this tab until the server acks them.
 */
export class WorkerTransport implements SyncTransport {
  readonly state = new Observable<ConnectionState>('offline')
  private readonly channels = new Map<number, PageChannel>()
  private nextChannel = 1
  private enabled = true
  /** Counts offline-switch flips and engine changes: older news from the engine is dropped. */
  private gen = 0
  private destroyed = false
  private link: EngineLink | null = null
  /** When the unanswered ping was sent; 0 when none is out. */
  private pingSentAt = 0
  private readonly timer: ReturnType<typeof setInterval>
  /** The tab's own socket once the engine refused it; channels then live there. */
  private own: OwnSocket | null = null

  constructor(private readonly options: WorkerTransportOptions) {
    this.link = this.newLink(options.connect())
    this.timer = setInterval(() => this.heartbeat(), options.tuning?.pingMs ?? 5_000)
  }

  open(doc: string, handler: ChannelHandler): number {
    return this.openWith({ kind: 'doc', doc }, handler)
  }

  openRecords(collection: string, handler: ChannelHandler, token: () => string): number {
    return this.openWith({ kind: 'records', collection, token: token() }, handler, token)
  }

  private openWith(subject: ChannelSubject, handler: ChannelHandler, token?: () => string): number {
    const channel = this.nextChannel++
    const entry = { subject, handler, token, live: false }
    this.channels.set(channel, entry)
    if (this.own) this.own.open(channel, subject, handler, token)
    else this.link?.post({ t: 'open', channel, subject })
    return channel
  }

  close(channel: number): void {
    if (!this.channels.delete(channel)) return
    if (this.own) this.own.close(channel)
    else this.link?.post({ t: 'close', channel })
  }

  send(message: TandemMessage): boolean {
    if (this.state.value !== 'connected' || !('channel' in message)) return false
    if (this.own) return this.own.send(message)
    if (!this.channels.get(message.channel)?.live || !this.link) return false
    this.link.post({ t: 'send', m: message })
    return true
  }

  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled || this.destroyed) return
    this.enabled = enabled
    if (this.own) return this.own.setEnabled(enabled)
    this.gen++
    this.link?.post({ t: 'enabled', value: enabled, gen: this.gen })
    if (!enabled) this.wentOffline()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    clearInterval(this.timer)
    this.link?.close()
    this.link = null
    this.own?.destroy()
    this.wentOffline()
    this.channels.clear()
  }

  /** The engine will not have this tab: every channel moves to a socket of the tab's own. */
  private refused(reason: string): void {
    this.options.onError?.(new Error(`the shared worker refused this tab (${reason}); using a socket of this tab`))
    clearInterval(this.timer)
    this.dropLink()
    const fallback = this.options.fallback
    if (!fallback) return
    const transport = fallback()
    if (!this.enabled) transport.setEnabled(false)
    const own = new OwnSocket(transport, this.state)
    this.own = own
    for (const [channel, { subject, handler, token }] of this.channels) own.open(channel, subject, handler, token)
  }

  private newLink(port: PortLike): EngineLink {
    const onError = (error: Error) => this.options.onError?.(error)
    const link = new EngineLink(port, this.options.locks, (m) => this.receive(link, m), onError)
    link.post({
      t: 'hello',
      v: ENGINE_PROTOCOL,
      tab: link.tab,
      url: this.options.url.replace(/\/$/, ''),
      tuning: this.options.tuning ?? {},
      hasToken: !!this.options.getToken,
      gen: this.gen,
    })
    if (!this.enabled) link.post({ t: 'enabled', value: false, gen: this.gen })
    for (const [channel, { subject }] of this.channels) link.post({ t: 'open', channel, subject })
    return link
  }

  /**
   * Pings the engine; one that leaves a ping unanswered for `deadAfterMs` is replaced by a fresh
   * one. Counted from the ping, not from the last message: a background tab's timers may fire
   * once a minute, and a quiet engine is not a dead one.
   */
  private heartbeat(): void {
    const link = this.link
    if (!link) return this.relink()
    if (this.pingSentAt === 0 || link.lastHeard >= this.pingSentAt) {
      this.pingSentAt = Date.now()
      return link.post({ t: 'ping' })
    }
    if (Date.now() - this.pingSentAt <= (this.options.tuning?.deadAfterMs ?? 15_000)) return
    this.options.onError?.(new Error('the shared worker stopped answering; starting it again'))
    this.dropLink()
    this.relink()
  }

  /** Leaves the current engine: whatever it still sends is about a state that has ended. */
  private dropLink(): void {
    this.link?.close()
    this.link = null
    this.gen++
    this.wentOffline()
  }

  private relink(): void {
    this.pingSentAt = 0
    try {
      this.link = this.newLink(this.options.connect())
    } catch (err) {
      // Tried again at the next beat: the link-less transport is simply offline meanwhile.
      this.options.onError?.(new Error(`shared worker could not start: ${(err as Error).message}`))
    }
  }

  private receive(link: EngineLink, m: EngineToTab): void {
    if (this.destroyed || link !== this.link) return
    if (m.t === 'pong') return
    if (m.t === 'refused') return this.refused(String(m.reason))
    if (m.t === 'error') return this.options.onError?.(new Error(m.message))
    if (m.t === 'auth?') return void this.answerToken(link, m.id)
    // Anything from before the last flip of the offline switch is about a state that has ended.
    if (m.gen !== this.gen || !this.enabled) return
    if (m.t === 'state') {
      this.state.set(m.value)
      if (m.value !== 'connected') this.closeAll()
      return
    }
    const channel = m.t !== 'message' ? m.channel : 'channel' in m.m ? m.m.channel : -1
    const entry = this.channels.get(channel)
    if (!entry) return
    if (m.t === 'opened') {
      entry.live = true
      guarded(() => entry.handler.opened(), this.options.onError)
    } else if (m.t === 'closed') {
      this.closeOne(channel, entry)
    } else if (entry.live) {
      guarded(() => entry.handler.message(m.m), this.options.onError)
      this.refreshToken(channel, entry)
    }
  }

  /** A collection's token moves as pages are applied; the engine resubscribes with the latest. */
  private refreshToken(channel: number, entry: PageChannel): void {
    if (entry.subject.kind !== 'records' || !entry.token) return
    const token = entry.token()
    if (token === entry.subject.token) return
    entry.subject.token = token
    this.link?.post({ t: 'token', channel, token })
  }

  private async answerToken(link: EngineLink, id: number): Promise<void> {
    try {
      const token = (await this.options.getToken?.()) ?? ''
      link.post({ t: 'auth', id, token })
    } catch (err) {
      link.post({ t: 'auth', id, error: (err as Error).message })
    }
  }

  private wentOffline(): void {
    this.state.set('offline')
    this.closeAll()
  }

  private closeAll(): void {
    for (const [channel, entry] of [...this.channels]) this.closeOne(channel, entry)
  }

  private closeOne(channel: number, entry: PageChannel): void {
    if (!entry.live) return
    entry.live = false
    this.refreshToken(channel, entry)
    guarded(() => entry.handler.closed(), this.options.onError)
  }
}
