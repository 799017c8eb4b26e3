import { createServer, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { CloseCode, ProtocolError, TANDEM_SUBPROTOCOL } from '@tandem/protocol'
import { type WebSocket, WebSocketServer } from 'ws'
import { Compactor } from './Compactor.ts'
import { Connection } from './Connection.ts'
import { GroupCommitter } from './GroupCommitter.ts'
import { handleMessage } from './handleMessage.ts'
import { createLogger } from './Logger.ts'
import { parseDocName } from './parseDocName.ts'
import type { RelayContext } from './RelayContext.ts'
import { RoomRegistry } from './RoomRegistry.ts'
import { type RelayOptions, resolveLimits } from './relayOptions.ts'
import { serveStatic } from './serveStatic.ts'
import { SqliteStorage } from './storage/SqliteStorage.ts'
import { TandemSession } from './TandemSession.ts'

/** Time a graceful close spends folding logs into snapshots; the rest waits for next time. */
const SHUTDOWN_COMPACTION_MS = 1_500

export interface Relay {
  /** WebSocket base URL, e.g. ws://127.0.0.1:1234; documents live at `${url}/<name>`. */
  readonly url: string
  readonly port: number
  /** Numbers for tests and metrics. */
  stats(): { connections: number; rooms: number; pendingWrites: number; cachedBytes: number }
  /** Stops accepting, commits what was received, closes every socket (1001), closes storage. */
  close(): Promise<void>
}

/** Starts the relay and resolves once it listens. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const host = options.host ?? '127.0.0.1'
  const limits = resolveLimits(options)
  const log = options.logger ?? createLogger()
  const storage =
    options.storage ??
    new SqliteStorage({ file: join(options.dataDir ?? './data', 'tandem.sqlite'), synchronous: options.synchronous })
  const committer = new GroupCommitter(storage, log)
  let rooms: RoomRegistry | undefined
  const compactor = new Compactor(storage, log, (doc, n, bytes) => rooms?.peek(doc)?.compacted(n, bytes))
  const ctx: RelayContext = { storage, committer, compactor, limits, log }
  rooms = new RoomRegistry(ctx)
  const registry = rooms
  const conns = new Set<Connection>()
  let nextConnId = 1
  let closing = false

  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/healthz') {
      res.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: !closing }))
      return
    }
    if (options.staticDir && serveStatic(options.staticDir, req, res)) return
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  })
  const heartbeatMs = options.heartbeatMs ?? 30_000
  const maxDocNameLength = options.maxDocNameLength ?? 512
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    // Tandem's client asks for its subprotocol; stock clients ask for none.
    handleProtocols: (protocols) => (protocols.has(TANDEM_SUBPROTOCOL) ? TANDEM_SUBPROTOCOL : false),
  })

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    if (closing) return void socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n')
    const tandem = (req.headers['sec-websocket-protocol'] ?? '').split(',').some((p) => p.trim() === TANDEM_SUBPROTOCOL)
    const name = tandem ? '' : parseDocName(req.url ?? '/', maxDocNameLength)
    if (name === null) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, nextConnId++, limits.maxBufferedBytes, log)
      if (tandem) {
        const session = new TandemSession(ctx, registry, conn, heartbeatMs, maxDocNameLength)
        accept(
          conn,
          (frame) => session.handle(frame),
          () => session.closed(),
        )
      } else {
        const room = registry.get(name)
        room.join(conn)
        accept(
          conn,
          (frame) => handleMessage(ctx, room, conn, frame),
          () => room.leave(conn),
        )
        room.greet(conn)
      }
    })
  })

  /** Wires a socket: every frame to `onFrame`; bad input closes it with its named code. */
  function accept(conn: Connection, onFrame: (frame: Uint8Array) => void, onClose: () => void): void {
    const ws = conn.ws
    conns.add(conn)
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    ws.on('error', (err) => log.warn('socket error', { conn: conn.id, error: err.message }))
    ws.on('close', () => {
      conn.closed = true
      conns.delete(conn)
      alive.delete(ws)
      onClose()
    })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (conn.closed) return
      if (!isBinary) return conn.close(CloseCode.UnsupportedData, 'text frames are not supported')
      try {
        onFrame(data)
      } catch (err) {
        if (err instanceof ProtocolError) conn.close(err.closeCode, err.message)
        else {
          log.error('unexpected error handling a message', { conn: conn.id, error: String(err) })
          conn.close(CloseCode.InternalError, 'internal error')
        }
      }
    })
  }

  // One timer for all sockets: a peer that did not answer the previous ping is dropped.
  const alive = new Set<WebSocket>()
  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (!alive.delete(conn.ws)) conn.ws.terminate()
      else conn.ws.ping()
    }
  }, heartbeatMs)
  heartbeat.unref()

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 1234, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const address = http.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 1234)
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `ws://${urlHost}:${port}`,
    port,
    stats: () => ({
      connections: conns.size,
      rooms: registry.size,
      pendingWrites: committer.pending,
      cachedBytes: [...registry.values()].reduce((n, r) => n + r.cachedBytes, 0),
    }),
    async close() {
      if (closing) return
      closing = true
      clearInterval(heartbeat)
      registry.stop()
      const httpClosed = new Promise((resolve) => http.close(resolve))
      // Commit what was received before saying goodbye: a client that saw its update
      // forwarded must find it after a restart.
      await committer.drain()
      for (const conn of conns) conn.close(CloseCode.GoingAway, 'server shutting down')
      http.closeAllConnections()
      for (const room of registry.values()) if (room.hasLog) compactor.schedule(room.name)
      await compactor.finish(SHUTDOWN_COMPACTION_MS)
      await storage.close()
      await httpClosed
    },
  }
}
