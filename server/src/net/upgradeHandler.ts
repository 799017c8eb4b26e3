import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { CloseCode, encodeAwareness, ProtocolError, TANDEM_SUBPROTOCOL } from '@tandem/protocol'
import type { WebSocketServer } from 'ws'
import { Access } from '../auth/Access.ts'
import { requestInfo } from '../auth/RequestInfo.ts'
import { hostAllowed, originAllowed, type RequestPolicy } from '../auth/requestPolicy.ts'
import { AuthError } from '../auth/TokenVerifier.ts'
import { parseDocName } from '../docs/parseDocName.ts'
import type { Room } from '../docs/Room.ts'
import type { RoomRegistry } from '../docs/RoomRegistry.ts'
import type { HookRejection } from '../hooks/HookRejection.ts'
import type { ConnectEvent } from '../hooks/RelayExtension.ts'
import { setTimeoutAt } from '../ops/longTimeout.ts'
import { acceptSocket, dispatchGuarded } from './acceptSocket.ts'
import { Connection } from './Connection.ts'
import { handleMessage } from './handleMessage.ts'
import { HocuspocusSession } from './hocuspocus/HocuspocusSession.ts'
import type { RelayContext } from './RelayContext.ts'
import type { SessionDeps } from './tandem/SessionDeps.ts'
import { TandemSession } from './tandem/TandemSession.ts'

export interface UpgradeOptions {
  ctx: RelayContext
  rooms: RoomRegistry
  wss: WebSocketServer
  heartbeatMs: number
  policy: RequestPolicy
  isClosing: () => boolean
  /** Called for every accepted connection; returns what to do when it closes. */
  track: (conn: Connection, ip: string) => () => void
  connectionsFrom: (ip: string) => number
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

let nextConnId = 1

/**
 * Routes a WebSocket upgrade: a socket asking for Tandem's subprotocol becomes a Tandem
 * session (it authenticates in its first frame); any other is a stock y-websocket client of
 * the document its path names, with its token in the `token` query parameter.
 */
export function upgradeHandler(o: UpgradeOptions) {
  const { ctx, rooms, wss } = o
  const sessionDeps: SessionDeps = { ...ctx, rooms, records: ctx.records, heartbeatMs: o.heartbeatMs }
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy())
    if (o.isClosing()) return refuse(socket, '503 Service Unavailable')
    if (!hostAllowed(o.policy, req.headers.host)) {
      ctx.metrics.inc('tandem_rejected_upgrades_total', 'Upgrades refused, by reason', { reason: 'host' })
      return refuse(socket, '403 Forbidden')
    }
    // Browsers let any page open a WebSocket anywhere; the Origin says whose page it is.
    if (!originAllowed(o.policy, req.headers.origin, true)) {
      ctx.metrics.inc('tandem_rejected_upgrades_total', 'Upgrades refused, by reason', { reason: 'origin' })
      return refuse(socket, '403 Forbidden')
    }
    const ip = req.socket.remoteAddress ?? ''
    const perIp = ctx.limits.maxConnectionsPerIp
    if (perIp > 0 && o.connectionsFrom(ip) >= perIp) {
      ctx.metrics.inc('tandem_rejected_upgrades_total', 'Upgrades refused, by reason', { reason: 'per_ip' })
      return refuse(socket, '429 Too Many Requests')
    }
    const tandem = (req.headers['sec-websocket-protocol'] ?? '').split(',').some((p) => p.trim() === TANDEM_SUBPROTOCOL)
    // A socket to the bare root speaks the Hocuspocus protocol (documents are named in each
    // frame); any other path names the document of a stock y-websocket client.
    const hocuspocus = !tandem && rootPath(req.url ?? '/')
    const name = tandem || hocuspocus ? '' : parseDocName(req.url ?? '/', ctx.limits.maxDocNameLength)
    if (name === null) return refuse(socket, '400 Bad Request')
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, nextConnId++, ctx.limits.maxBufferedBytes, ctx.log, ctx.metrics)
      conn.request = requestInfo(req)
      const untrack = o.track(conn, ip)
      if (hocuspocus || tandem) {
        // Both sessions multiplex documents on the socket and answer frames the same way.
        const session = hocuspocus ? new HocuspocusSession(sessionDeps, conn) : new TandemSession(sessionDeps, conn)
        acceptSocket(ctx, conn, {
          frame: (f) => session.handle(f),
          closed: () => {
            untrack()
            session.closed()
          },
        })
        return
      }
      acceptStock(ctx, rooms, conn, name, req.url ?? '/', untrack)
    })
  }
}

function rootPath(url: string): boolean {
  const q = url.indexOf('?')
  return (q === -1 ? url : url.slice(0, q)) === '/'
}

const EMPTY_AWARENESS = encodeAwareness([])

/** Frames a stock client may send before its token is checked; it sends two or three. */
const MAX_FRAMES_BEFORE_AUTH = 32

function acceptStock(
  ctx: RelayContext,
  rooms: RoomRegistry,
  conn: Connection,
  name: string,
  url: string,
  untrack: () => void,
): void {
  // A stock client reconnects after 30 s without a message, which a bulk writer the relay is
  // slowing down (or anyone on a quiet document) would otherwise hit: an empty presence update
  // changes nothing for it but counts as one.
  conn.keepalive = EMPTY_AWARENESS
  // Frames arriving while the token is checked wait, so the client's first sync is not lost.
  const early: Uint8Array[] = []
  let handle: ((frame: Uint8Array) => void) | null = null
  let room: Room | null = null
  let connected: ConnectEvent | null = null
  acceptSocket(ctx, conn, {
    frame: (f) => {
      if (handle) return handle(f)
      if (early.length >= MAX_FRAMES_BEFORE_AUTH)
        throw new ProtocolError('too many frames before auth', CloseCode.LimitExceeded)
      early.push(f.slice())
    },
    closed: () => {
      untrack()
      room?.leave(conn)
      if (connected) ctx.hooks?.disconnect(connected)
    },
  })
  const token = new URL(url, 'http://relay').searchParams.get('token')
  authorizeStock(ctx, conn, token, name)
    .then(
      async (access) => {
        const event: ConnectEvent = {
          documentName: name,
          subject: access.subject,
          readOnly: !access.canWriteDoc(name),
          request: conn.request,
          via: 'y-websocket',
        }
        if (ctx.hooks?.has('onConnect') && !conn.closed) {
          try {
            await ctx.hooks.connect(event)
          } catch (err) {
            const refusal = err as HookRejection
            return conn.close(refusal.closeCode ?? CloseCode.Forbidden, refusal.message)
          }
        }
        if (conn.closed) return
        connected = event
        const joined = rooms.get(name)
        room = joined
        const canWrite = access.canWriteDoc(name)
        conn.author = access.subject
        handle = (f) => handleMessage(ctx, joined, conn, f, canWrite)
        joined.join(conn)
        joined.greet(conn)
        for (const f of early.splice(0)) dispatchGuarded(ctx, conn, handle, f)
        expireAt(conn, access.expiresAt)
      },
      (err: unknown) => {
        const reason = err instanceof AuthError ? err.reason : 'invalid'
        ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason, path: 'stock' })
        const message = err instanceof AuthError ? err.message : 'invalid token'
        conn.close(err instanceof AuthError ? err.closeCode : CloseCode.Unauthorized, message)
      },
    )
    // Whatever went wrong while joining costs this one connection, never the process.
    .catch((err: unknown) => {
      ctx.log.error('unexpected error accepting a socket', { conn: conn.id, error: String(err) })
      conn.close(CloseCode.InternalError, 'internal error')
    })
}

async function authorizeStock(ctx: RelayContext, conn: Connection, token: string | null, doc: string): Promise<Access> {
  if (!ctx.verifyToken) return Access.open()
  const access = Access.of(await ctx.verifyToken(token, { request: conn.request, via: 'y-websocket' }))
  // The name is the client's own text: it stays out of the close reason (and its byte limit).
  if (!access.canReadDoc(doc)) throw new AuthError('forbidden', 'token does not open this document')
  return access
}

/** Stock clients cannot refresh a token in place: they are closed when it expires. */
function expireAt(conn: Connection, expiresAt: number): void {
  if (!Number.isFinite(expiresAt)) return
  const cancel = setTimeoutAt(() => conn.close(CloseCode.Unauthorized, 'token expired'), expiresAt)
  conn.ws.once('close', cancel)
}
