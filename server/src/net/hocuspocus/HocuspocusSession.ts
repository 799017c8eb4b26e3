import {
  CloseCode,
  decodeHocuspocusFrame,
  decodeMessage,
  encodeHocuspocusAuthenticated,
  encodeHocuspocusPermissionDenied,
  HocuspocusMessageType as H,
  HOCUSPOCUS_PING,
  type HocuspocusFrame,
  MessageType,
  ProtocolError,
  SyncMessageType,
} from '@tandem/protocol'
import { Access } from '../../auth/Access.ts'
import { AuthError } from '../../auth/TokenVerifier.ts'
import { isEmptyUpdate } from '../../docs/isEmptyUpdate.ts'
import { validDocName } from '../../docs/parseDocName.ts'
import { writeGate } from '../../docs/writeGate.ts'
import type { HookRejection } from '../../hooks/HookRejection.ts'
import type { ConnectEvent } from '../../hooks/RelayExtension.ts'
import { setTimeoutAt } from '../../ops/longTimeout.ts'
import type { Connection } from '../Connection.ts'
import { handleMessage } from '../handleMessage.ts'
import type { SessionDeps } from '../tandem/SessionDeps.ts'
import { HocuspocusChannel } from './HocuspocusChannel.ts'

/** Frames of one document kept while its token is checked; a provider sends a handful. */
const MAX_FRAMES_WHILE_AUTHENTICATING = 256
/** The provider reconnects after 30 s without a message: it is pinged well within that. */
const PING_MS = 10_000

/**
 * A socket that speaks the Hocuspocus protocol, so `@hocuspocus/provider` works unchanged:
 * many documents per socket, each named in every frame and authenticated by its own Auth
 * message (token checks, onAuthenticate and onConnect as for any client), and a SyncStatus
 * for each update sent only once it is committed, so `unsyncedChanges` reaching 0 means
 * stored. Writes go through the same gate as every other client's.
 */
export class HocuspocusSession {
  private readonly channels = new Map<string, HocuspocusChannel>()
  private readonly authenticating = new Map<string, HocuspocusFrame[]>()
  private readonly connected = new Map<string, ConnectEvent>()
  private readonly pinger: ReturnType<typeof setInterval>
  /** Cancels the deadline for the first document; null once one opened. */
  private cancelPreAuth: (() => void) | null

  constructor(
    private readonly ctx: SessionDeps,
    private readonly conn: Connection,
  ) {
    this.pinger = setInterval(() => conn.send(HOCUSPOCUS_PING), PING_MS)
    this.pinger.unref()
    // As for Tandem's Hello: a socket that never opens a document would hold a connection
    // slot (and the per-IP budget) for ever without proving it may.
    this.cancelPreAuth = setTimeoutAt(() => {
      if (this.channels.size === 0 && this.authenticating.size === 0)
        conn.close(CloseCode.Unauthorized, 'no document opened in time')
    }, Date.now() + ctx.limits.preAuthTimeoutMs)
  }

  /** Handles one frame; throws ProtocolError for bad input (the caller closes the socket). */
  handle(frame: Uint8Array): boolean | undefined {
    const f = decodeHocuspocusFrame(frame)
    if (f.type === H.Pong) return false
    if (f.type === H.Auth) {
      this.authenticate(f.doc, f.token)
      return false
    }
    const waiting = this.authenticating.get(f.doc)
    if (waiting) {
      if (waiting.length >= MAX_FRAMES_WHILE_AUTHENTICATING)
        throw new ProtocolError('too many frames before the document opened', CloseCode.LimitExceeded)
      waiting.push('message' in f ? { ...f, message: f.message.slice() } : f)
      return
    }
    const channel = this.channels.get(f.doc)
    // Frames of a document that is not open (refused, closed, or never authenticated) are dropped.
    if (!channel) return
    return this.route(channel, f)
  }

  private route(channel: HocuspocusChannel, f: HocuspocusFrame): boolean | undefined {
    if (f.type === H.Close) {
      channel.detach()
      return false
    }
    if (f.type !== H.Sync && f.type !== H.Awareness && f.type !== H.QueryAwareness) return
    const canWrite = channel.access.canWriteDoc(channel.name)
    const m = decodeMessage(f.message)
    if (m.type === MessageType.Sync && m.sync !== SyncMessageType.Step1) return this.write(channel, m.update, canWrite)
    return handleMessage(this.ctx, channel.room, channel, f.message, canWrite) ?? undefined
  }

  /** Integrates and commits through the write gate; SyncStatus says how it ended. */
  private write(channel: HocuspocusChannel, update: Uint8Array, canWrite: boolean): undefined {
    const settle = (written: Promise<void>) =>
      written.then(
        () => channel.syncStatus(true),
        () => channel.syncStatus(false),
      )
    // A provider answers each sync with what it has that the relay lacks, usually nothing.
    if (isEmptyUpdate(update)) return void settle(channel.room.doc.barrier())
    settle(writeGate(this.ctx, { room: channel.room, update: update.slice(), canWrite, origin: channel }))
  }

  private authenticate(doc: string, token: string): void {
    const refuse = (reason: string) => this.conn.send(encodeHocuspocusPermissionDenied(doc, reason))
    // A second Auth for an open document (a provider re-created fast) changes nothing.
    if (this.channels.has(doc) || this.authenticating.has(doc)) return
    if (!validDocName(doc, this.ctx.limits.maxDocNameLength)) return refuse('invalid document name')
    if (this.channels.size + this.authenticating.size >= this.ctx.limits.maxDocsPerConnection)
      return refuse('too many documents on one connection')
    this.authenticating.set(doc, [])
    this.authorize(doc, token).then(
      ({ access, event }) => {
        const waiting = this.authenticating.get(doc)
        this.authenticating.delete(doc)
        if (!waiting || this.conn.closed) return
        this.open(doc, access, event, waiting)
      },
      (err: unknown) => {
        this.authenticating.delete(doc)
        if (this.conn.closed) return
        if (err instanceof AuthError)
          this.ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', {
            reason: err.reason,
            path: 'hocuspocus',
          })
        refuse(err instanceof Error ? err.message : 'permission denied')
      },
    )
  }

  private async authorize(doc: string, token: string): Promise<{ access: Access; event: ConnectEvent }> {
    const verify = this.ctx.verifyToken
    const access = verify
      ? Access.of(await verify(token, { request: this.conn.request, via: 'hocuspocus' }))
      : Access.open()
    if (!access.canReadDoc(doc)) throw new AuthError('forbidden', 'token does not open this document')
    const event: ConnectEvent = {
      documentName: doc,
      subject: access.subject,
      readOnly: !access.canWriteDoc(doc),
      request: this.conn.request,
      via: 'hocuspocus',
    }
    if (this.ctx.hooks?.has('onConnect')) {
      await this.ctx.hooks.connect(event).catch((err: HookRejection) => {
        throw new AuthError('forbidden', err.message)
      })
    }
    return { access, event }
  }

  private open(doc: string, access: Access, event: ConnectEvent, waiting: HocuspocusFrame[]): void {
    const channel = new HocuspocusChannel(doc, this.ctx.rooms.get(doc), access, this.conn, (c) => this.left(c))
    this.channels.set(doc, channel)
    this.connected.set(doc, event)
    this.cancelPreAuth?.()
    this.cancelPreAuth = null
    if (Number.isFinite(access.expiresAt))
      channel.cancelExpiry = setTimeoutAt(
        () => channel.close(CloseCode.Unauthorized, 'token expired'),
        access.expiresAt,
      )
    this.conn.send(encodeHocuspocusAuthenticated(doc, access.canWriteDoc(doc) ? 'read-write' : 'readonly'))
    channel.room.join(channel)
    channel.room.greet(channel)
    for (const f of waiting) {
      try {
        this.route(channel, f)
      } catch (err) {
        const code = err instanceof ProtocolError ? err.closeCode : CloseCode.InternalError
        return this.conn.close(code, err instanceof ProtocolError ? err.message : 'internal error')
      }
    }
  }

  private left(channel: HocuspocusChannel): void {
    this.channels.delete(channel.name)
    const event = this.connected.get(channel.name)
    this.connected.delete(channel.name)
    if (event) this.ctx.hooks?.disconnect(event)
  }

  /** The socket closed: every document leaves its room. */
  closed(): void {
    clearInterval(this.pinger)
    this.cancelPreAuth?.()
    this.authenticating.clear()
    for (const channel of [...this.channels.values()]) channel.detach()
  }
}
