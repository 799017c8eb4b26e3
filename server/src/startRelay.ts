import { createServer, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { CloseCode, encodeAwareness, encodeSyncStep1, ProtocolError } from '@tandem/protocol'
import { type WebSocket, WebSocketServer } from 'ws'
import { Compactor } from './Compactor.ts'
import { Connection } from './Connection.ts'
import { GroupCommitter } from './GroupCommitter.ts'
import { handleMessage } from './handleMessage.ts'
import { createLogger } from './Logger.ts'
import { parseDocName } from './parseDocName.ts'
import type { RelayContext } from './RelayContext.ts'
import type { Room } from './Room.ts'
import { RoomRegistry } from './RoomRegistry.ts'
import { type RelayOptions, resolveLimits } from './relayOptions.ts'
import { serveStatic } from './serveStatic.ts'
import { SqliteStorage } from './storage/SqliteStorage.ts'

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
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false })

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const name = closing ? null : parseDocName(req.url ?? '/', options.maxDocNameLength ?? 512)
    if (name === null) {
      socket.end(closing ? 'HTTP/1.1 503 Service Unavailable\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, registry.get(name)))
  })

  function accept(ws: WebSocket, room: Room): void {
    const conn = new Connection(ws, nextConnId++, limits.maxBufferedBytes, log)
    conns.add(conn)
    room.join(conn)
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    ws.on('error', (err) => log.warn('socket error', { conn: conn.id, error: err.message }))
    ws.on('close', () => {
      conn.closed = true
      conns.delete(conn)
      alive.delete(ws)
      room.leave(conn)
    })
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (conn.closed) return
      if (!isBinary) return conn.close(CloseCode.UnsupportedData, 'text frames are not supported')
      try {
        handleMessage(ctx, room, conn, data)
      } catch (err) {
        if (err instanceof ProtocolError) conn.close(err.closeCode, err.message)
        else {
          log.error('unexpected error handling a message', { doc: room.name, error: String(err) })
          conn.close(CloseCode.InternalError, 'internal error')
        }
      }
    })
    room.getState().then(
      (state) => {
        conn.send(encodeSyncStep1(state.getStateVector()))
        if (room.awareness.size > 0) conn.send(encodeAwareness(room.awareness.entries()))
      },
      (err) => {
        log.error('loading document failed', { doc: room.name, error: String(err) })
        conn.close(CloseCode.StorageUnavailable, 'could not load document')
      },
    )
  }

  // One timer for all sockets: a peer that did not answer the previous ping is dropped.
  const alive = new Set<WebSocket>()
  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (!alive.delete(conn.ws)) conn.ws.terminate()
      else conn.ws.ping()
    }
  }, options.heartbeatMs ?? 30_000)
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
