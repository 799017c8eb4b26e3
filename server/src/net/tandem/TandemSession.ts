import {
  CloseCode,
  decodeTandemMessage,
  encodeTandemMessage,
  equalBytes,
  ProtocolError,
  TandemMessageType as T,
  type TandemMessage,
} from '@tandem/protocol'
import { Access } from '../../auth/Access.ts'
import { AuthError } from '../../auth/TokenVerifier.ts'
import { validDocName } from '../../docs/parseDocName.ts'
import { writeGate } from '../../docs/writeGate.ts'
import type { HookRejection } from '../../hooks/HookRejection.ts'
import type { ConnectEvent } from '../../hooks/RelayExtension.ts'
import { setTimeoutAt } from '../../ops/longTimeout.ts'
import type { Connection } from '../Connection.ts'
import { handleMessage } from '../handleMessage.ts'
import { RecordsSession } from './RecordsSession.ts'
import type { SessionDeps } from './SessionDeps.ts'
import { TandemChannel } from './TandemChannel.ts'

export const TANDEM_VERSION = 1
/** How long before expiry a client is asked for a fresh token, and the grace after it. */
const REFRESH_LEAD_MS = 30_000
/** Frames of one channel kept while onConnect decides; a client sends a handful. */
const MAX_FRAMES_WHILE_CONNECTING = 256

/**
 * A socket that speaks Tandem's extension: a Hello with a token first, then many documents
 * over one connection, each on a channel the client numbers; durable acks; check-ins;
 * liveness pings a browser can see; token refresh without reconnecting.
 */
export class TandemSession {
  private readonly channels = new Map<number, TandemChannel>()
  /** Channels whose onConnect is still running, with the frames that came meanwhile. */
  private readonly connecting = new Map<number, TandemMessage[]>()
  /** What onDisconnect is told, per channel that onConnect let in. */
  private readonly connected = new Map<number, ConnectEvent>()
  private readonly records: RecordsSession
  private access: Access | null = null
  private authenticating = false
  /** Cancels the pending pre-auth, refresh or expiry timer. */
  private cancelTimer: (() => void) | null

  constructor(
    private readonly ctx: SessionDeps,
    private readonly conn: Connection,
  ) {
    this.cancelTimer = setTimeoutAt(
      () => this.conn.close(CloseCode.Unauthorized, 'no Hello in time'),
      Date.now() + ctx.limits.preAuthTimeoutMs,
    )
    this.records = new RecordsSession(ctx, conn, (id) => this.channels.has(id))
  }

  private reply(message: TandemMessage): void {
    this.conn.send(encodeTandemMessage(message))
  }

  /** Handles one frame; throws ProtocolError for bad input (the caller closes the socket). */
  handle(frame: Uint8Array): boolean | undefined | void {
    const m = decodeTandemMessage(frame)
    if (m.type === T.Hello) return this.hello(m.version, m.token)
    if (!this.access) throw new ProtocolError('Hello must come first', CloseCode.Unauthorized)
    const waiting = 'channel' in m && m.type !== T.Unsubscribe ? this.connecting.get(m.channel) : undefined
    if (waiting) {
      if (waiting.length >= MAX_FRAMES_WHILE_CONNECTING)
        throw new ProtocolError('too many frames before the document opened', CloseCode.LimitExceeded)
      // A frame may be a view into the socket's receive buffer: what waits keeps a copy.
      waiting.push(
        m.type === T.DocUpdate
          ? { ...m, update: m.update.slice() }
          : m.type === T.Doc
            ? { ...m, message: m.message.slice() }
            : m,
      )
      return
    }
    return this.route(m, this.access)
  }

  private route(m: TandemMessage, access: Access): boolean | undefined | void {
    switch (m.type) {
      case T.Ping:
        return this.reply({ type: T.Pong, id: m.id })
      case T.Subscribe:
        // Opening documents is bounded by maxDocsPerConnection, not by the message rate: an
        // app opening hundreds at once must not be cut off for it.
        this.subscribe(m.channel, m.doc)
        return false
      case T.Unsubscribe:
        this.channels.get(m.channel)?.detach()
        this.records.unsubscribe(m.channel)
        return false
      case T.RecordsSubscribe:
      case T.RecordsPush:
      case T.MerkleRequest:
        return this.records.handle(m, access)
      case T.Doc: {
        const channel = this.channels.get(m.channel)
        // Frames for a channel the client just left can still be in flight: not an error.
        if (!channel) return
        return handleMessage(this.ctx, channel.room, channel, m.message, access.canWriteDoc(channel.room.name))
      }
      case T.DocUpdate:
        return this.docUpdate(m.channel, m.seq, m.update)
      case T.CheckIn:
        return this.checkIn(m.channel, m.digest)
      default:
        throw new ProtocolError(`message type ${m.type} is not sent by clients`)
    }
  }

  /** First authentication, or a refresh with a new token mid-session. */
  private hello(version: number, token: string): void {
    if (version !== TANDEM_VERSION) throw new ProtocolError(`unsupported Tandem version ${version}`)
    if (this.authenticating) throw new ProtocolError('Hello while the previous one is being checked')
    const verify = this.ctx.verifyToken
    if (!verify) return this.authenticated(Access.open())
    this.authenticating = true
    verify(token, { request: this.conn.request, via: 'tandem' })
      .then(
        (claims) => {
          this.authenticating = false
          this.authenticated(Access.of(claims))
        },
        (err) => {
          this.authenticating = false
          const reason = err instanceof AuthError ? err.reason : 'invalid'
          this.ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason, path: 'tandem' })
          // A token that is bad (or forbidden) for the whole session is a 4401 here; a hook may say otherwise.
          const code =
            err instanceof AuthError && err.answer.closeCode !== undefined
              ? err.answer.closeCode
              : CloseCode.Unauthorized
          this.conn.close(code, err instanceof AuthError ? err.message : 'invalid token')
        },
      )
      .catch((err: unknown) => {
        this.ctx.log.error('unexpected error authenticating', { conn: this.conn.id, error: String(err) })
        this.conn.close(CloseCode.InternalError, 'internal error')
      })
  }

  private authenticated(access: Access): void {
    if (this.conn.closed) return
    this.access = access
    this.conn.author = access.subject
    // A refreshed token may grant less: leave what it no longer covers.
    for (const channel of [...this.channels.values()]) {
      if (!access.canReadDoc(channel.room.name)) channel.close(CloseCode.Forbidden, 'no longer allowed')
    }
    this.records.recheck(access)
    this.cancelTimer?.()
    this.cancelTimer = null
    const left = access.expiresAt - Date.now()
    if (Number.isFinite(left)) {
      // Ask for a new token ahead of expiry: 30 s before, or halfway for short-lived tokens.
      const lead = Math.min(REFRESH_LEAD_MS, left / 2)
      this.cancelTimer = setTimeoutAt(() => this.expiring(access.expiresAt), access.expiresAt - lead)
    }
    this.reply({ type: T.Welcome, version: TANDEM_VERSION, heartbeatMs: this.ctx.heartbeatMs, serverTime: Date.now() })
  }

  private expiring(expiresAt: number): void {
    this.reply({ type: T.TokenExpiring, expiresAt })
    this.cancelTimer = setTimeoutAt(() => this.conn.close(CloseCode.Unauthorized, 'token expired'), expiresAt + 1_000)
  }

  private subscribe(id: number, doc: string): void {
    if (this.channels.has(id) || this.records.has(id)) throw new ProtocolError(`channel ${id} is already open`)
    const refuse = (code: number, reason: string) => this.reply({ type: T.Error, channel: id, code, reason })
    if (!validDocName(doc, this.ctx.limits.maxDocNameLength))
      return refuse(CloseCode.InvalidDocumentName, 'invalid name')
    if (!this.access?.canReadDoc(doc)) return refuse(CloseCode.Forbidden, 'not allowed by token')
    if (this.channels.size >= this.ctx.limits.maxDocsPerConnection) {
      return refuse(CloseCode.LimitExceeded, 'too many documents on one connection')
    }
    const channel = new TandemChannel(id, this.ctx.rooms.get(doc), this.conn, (c) => this.left(c.id))
    this.channels.set(id, channel)
    const hooks = this.ctx.hooks
    const event: ConnectEvent = {
      documentName: doc,
      subject: this.access.subject,
      readOnly: !this.access.canWriteDoc(doc),
      request: this.conn.request,
      via: 'tandem',
    }
    if (!hooks?.has('onConnect')) return this.join(channel, event)
    this.connecting.set(id, [])
    hooks.connect(event).then(
      () => {
        const waiting = this.connecting.get(id) ?? []
        this.connecting.delete(id)
        if (channel.closed || this.conn.closed || !this.access) return
        this.join(channel, event)
        // What the client sent meanwhile, in order, now that the document is open.
        for (const m of waiting) {
          try {
            this.route(m, this.access)
          } catch (err) {
            const code = err instanceof ProtocolError ? err.closeCode : CloseCode.InternalError
            return this.conn.close(code, err instanceof ProtocolError ? err.message : 'internal error')
          }
        }
      },
      (err: HookRejection) => {
        this.connecting.delete(id)
        if (channel.closed) return
        channel.close(err.closeCode ?? CloseCode.Forbidden, err.message)
      },
    )
  }

  private join(channel: TandemChannel, event: ConnectEvent): void {
    this.connected.set(channel.id, event)
    channel.room.join(channel)
    channel.room.greet(channel)
  }

  /** A channel closed (unsubscribed, refused or the socket is gone). */
  private left(id: number): void {
    this.channels.delete(id)
    this.connecting.delete(id)
    const event = this.connected.get(id)
    if (!event) return
    this.connected.delete(id)
    this.ctx.hooks?.disconnect(event)
  }

  private docUpdate(id: number, seq: number, update: Uint8Array): void {
    const channel = this.channels.get(id)
    if (!channel) return
    const canWrite = this.access?.canWriteDoc(channel.room.name) ?? false
    const received = performance.now()
    const written = writeGate(this.ctx, { room: channel.room, update: update.slice(), canWrite, origin: channel, seq })
    channel.ackAfter(seq, written, () =>
      this.ctx.metrics.observe(
        'tandem_ack_seconds',
        'Time from receiving a change to acking it',
        (performance.now() - received) / 1000,
      ),
    )
  }

  private checkIn(id: number, digest: Uint8Array): void {
    const channel = this.channels.get(id)
    if (!channel) return
    // Read after this channel's earlier writes are integrated; answered once they are committed.
    channel.room.doc
      .read((state) => state.digest())
      .then((pending) => pending)
      .then(
        (ours) => {
          if (!channel.closed)
            this.reply({ type: T.CheckInResult, channel: id, match: equalBytes(ours, digest), digest: ours })
        },
        (err) => {
          this.ctx.log.error('check-in failed', { doc: channel.room.name, error: String(err) })
          channel.close(CloseCode.InternalError, 'check-in failed')
        },
      )
  }

  /** The socket closed: every channel leaves its room. */
  closed(): void {
    this.cancelTimer?.()
    for (const channel of [...this.channels.values()]) channel.detach()
    this.records.closed()
  }
}
