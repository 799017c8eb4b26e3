import { randomBytes } from 'node:crypto'
import type { IncomingMessage, RequestListener } from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { CloseCode, TANDEM_SUBPROTOCOL } from '@tandem/protocol'
import { WebSocketServer } from 'ws'
import { isLoopback } from '../auth/isLoopback.ts'
import { requestPolicy } from '../auth/requestPolicy.ts'
import { createTokenVerifier } from '../auth/TokenVerifier.ts'
import { Cluster } from '../cluster/Cluster.ts'
import { Compactor } from '../docs/compaction/Compactor.ts'
import { GroupCommitter } from '../docs/GroupCommitter.ts'
import { validDocName } from '../docs/parseDocName.ts'
import { RoomRegistry } from '../docs/RoomRegistry.ts'
import { openServerDocument, type ServerDocument, type ServerDocumentOptions } from '../docs/ServerDocument.ts'
import { VersionRecorder } from '../docs/VersionRecorder.ts'
import { Hooks } from '../hooks/Hooks.ts'
import { adminRoutes } from '../http/adminRoutes.ts'
import { docsRest } from '../http/docsRest.ts'
import { httpRoutes } from '../http/httpRoutes.ts'
import { recordsRest } from '../http/recordsRest.ts'
import type { Connection } from '../net/Connection.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { upgradeHandler } from '../net/upgradeHandler.ts'
import { createLogger } from '../ops/Logger.ts'
import { MemoryReclaimer } from '../ops/MemoryReclaimer.ts'
import { Metrics } from '../ops/Metrics.ts'
import { UNCAUGHT_HELP } from '../ops/safetyNet.ts'
import { RecordService } from '../records/RecordService.ts'
import { PostgresDocStorage } from '../storage/postgres/PostgresDocStorage.ts'
import { PostgresRecordStorage } from '../storage/postgres/PostgresRecordStorage.ts'
import { PostgresVersionStorage } from '../storage/postgres/PostgresVersionStorage.ts'
import { SqliteDocStorage } from '../storage/sqlite/SqliteDocStorage.ts'
import { SqliteRecordStorage } from '../storage/sqlite/SqliteRecordStorage.ts'
import { SqliteVersionStorage } from '../storage/sqlite/SqliteVersionStorage.ts'
import { DEFAULT_RETENTION } from '../storage/thinVersions.ts'
import { checkDependencies } from './checkDependencies.ts'
import { type RelayOptions, resolveLimits } from './relayOptions.ts'

/** Shortest HS256 secret accepted: the key size of the hash, as RFC 7518 asks. */
export const MIN_SECRET_BYTES = 32

/** Time a graceful close spends folding logs into snapshots; the rest waits for next time. */
const SHUTDOWN_COMPACTION_MS = 1_500
/** A stock client that heard nothing for this long is sent a frame that means nothing. */
const KEEPALIVE_MS = 10_000
/** Time a graceful close waits for the versions still due; past it they are skipped. */
const SHUTDOWN_HISTORY_MS = 1_000

/** A relay that owns no server: mount its handlers on an existing HTTP server. */
export interface EmbeddedRelay {
  readonly metrics: Metrics
  /** Records: pulls, pushes, check-ins and tombstone purge (tests call purge directly). */
  readonly records: RecordService
  /** Numbers for tests and metrics. */
  stats(): { connections: number; rooms: number; pendingWrites: number; cachedBytes: number; compacting: boolean }
  /** Node request listener: health, metrics, REST routes (answers 404 for the rest). */
  readonly handleRequest: RequestListener
  /** For the server's 'upgrade' event: WebSocket sessions for documents and records. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** For the server's 'connection' event (optional): counts plain HTTP sockets per IP. */
  handleConnection(socket: Socket): void
  /**
   * A live Y.Doc of document `name` held in this process (bots, imports, agents): its edits are
   * committed and broadcast like a client's, and it receives what others commit. Rejects with
   * RangeError for an invalid name, and when the document cannot be loaded. Release with `close()`.
   */
  openDocument(name: string, options?: ServerDocumentOptions): Promise<ServerDocument>
  /** Stops accepting, commits what was received, closes every socket (1001), closes storage. */
  close(): Promise<void>
}

/** Bad configuration, reported before anything listens. */
export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError'
}

/** Builds the relay without listening: the caller's server feeds it requests and upgrades. */
export async function createRelay(options: RelayOptions = {}): Promise<EmbeddedRelay> {
  const host = options.host ?? '127.0.0.1'
  const limits = resolveLimits(options)
  const log = options.logger ?? createLogger()
  const auth = options.auth
  const secret = typeof auth?.secret === 'string' ? new TextEncoder().encode(auth.secret) : auth?.secret
  // HS256 with a short key is broken by brute force from any one token it signed.
  if (secret && secret.length < MIN_SECRET_BYTES) {
    throw new RelayConfigError(
      `the token secret is ${secret.length} bytes; it must be at least ${MIN_SECRET_BYTES} (e.g. openssl rand -base64 32)`,
    )
  }
  if (!auth?.publicKeyPem && !secret && !isLoopback(host)) {
    throw new RelayConfigError(
      `refusing to listen on ${host} without a secret: anyone could read and write every document`,
    )
  }
  if (options.devTokens && !isLoopback(host)) throw new RelayConfigError('demo tokens (--dev) are for loopback only')
  const verifyToken = auth?.publicKeyPem || secret ? await createTokenVerifier({ ...auth, secret }) : null
  if (!verifyToken) log.warn('no secret configured: anyone on this machine may connect', { host })
  // Demo tokens need a signing key; with none configured, one lives as long as the process.
  const devSecret = options.devTokens ? (secret ?? randomBytes(32)) : null
  const devVerifier = devSecret && !verifyToken ? await createTokenVerifier({ secret: devSecret }) : null

  const storage =
    options.storage ??
    new SqliteDocStorage({ file: join(options.dataDir ?? './data', 'tandem.sqlite'), synchronous: options.synchronous })
  const metrics = new Metrics()
  const records = await RecordService.open({
    storage:
      options.recordStorage ??
      // Documents in PostgreSQL means several instances: records go there too.
      (options.storage instanceof PostgresDocStorage ? new PostgresRecordStorage(options.storage) : null) ??
      new SqliteRecordStorage({
        // With a custom document storage and no data folder there is nowhere to put a file:
        // records then live in memory (and a restart starts a new epoch, so clients reset).
        file: options.storage && !options.dataDir ? ':memory:' : join(options.dataDir ?? './data', 'tandem.sqlite'),
        synchronous: options.synchronous,
      }),
    log,
    metrics,
    authorityCollections: options.authorityCollections,
    maxSkewMs: options.recordsMaxSkewMs,
    tombstoneHorizonMs: options.tombstoneHorizonMs,
    purgeIntervalMs: options.purgeIntervalMs,
  })
  const committer = new GroupCommitter(storage, log, metrics, {
    retryMs: limits.commitRetryMs,
    maxQueuedBytes: limits.maxQueuedCommitBytes,
  })
  const pubsub = options.pubsub ?? null
  const cluster = pubsub ? new Cluster(pubsub) : null
  if (cluster) {
    cluster.joinRecords((collection) => records.remoteCommitted(collection))
    records.onCommit = (collection) => cluster.publishRecords(collection)
  }
  const compactor = new Compactor(storage, log, { holder: cluster?.instanceId, leaseMs: limits.compactLeaseMs })
  // The `hooks` option is registered first: among equal priorities it runs before `extensions`.
  const hooks = new Hooks(
    [...(options.hooks ? [options.hooks] : []), ...(options.extensions ?? [])],
    { log, metrics },
    options.hooks?.hookTimeoutMs,
  )
  try {
    await hooks.configure({
      log,
      metrics,
      dataDir: options.storage && !options.dataDir ? null : (options.dataDir ?? './data'),
    })
  } catch (err) {
    await records.close()
    await storage.close()
    throw err
  }
  compactor.onCompacted((documentName, foldedUpdates, _bytes, snapshotBytes) =>
    hooks.storeDocument({ documentName, foldedUpdates, snapshotBytes }),
  )
  records.onChange = (collection, { records: stored, conflicts }) =>
    hooks.recordsChange({ collection, records: stored, conflicts })
  const ctx: RelayContext = {
    storage,
    committer,
    compactor,
    limits,
    log,
    metrics,
    verifyToken: hooks.verifier(verifyToken ?? devVerifier),
    cluster,
    hooks,
    records,
    reclaimer: new MemoryReclaimer({
      afterBytes: options.reclaimAfterBytes ?? 8 * 1024 * 1024,
      quietMs: 1_000,
      minIntervalMs: 5_000,
      metrics,
    }),
  }
  // The registry subscribes to compaction and cluster events itself; a pub/sub outage means
  // messages may be lost, so rooms and record subscribers read what they missed from storage.
  const historyClock = options.historyClock ?? Date.now
  const history = new VersionRecorder(
    options.versionStorage ??
      // Documents in PostgreSQL means several instances: history goes there too.
      (options.storage instanceof PostgresDocStorage
        ? await PostgresVersionStorage.open(options.storage, historyClock)
        : null) ??
      new SqliteVersionStorage({
        file: options.storage && !options.dataDir ? ':memory:' : join(options.dataDir ?? './data', 'tandem.sqlite'),
        now: historyClock,
      }),
    {
      quietMs: options.historyQuietMs ?? 10_000,
      everyChanges: Math.max(1, options.historyEveryChanges ?? 1_000),
      retention: {
        keepAllMs: options.historyKeepAllMs ?? DEFAULT_RETENTION.keepAllMs,
        bucketMs: options.historyBucketMs ?? DEFAULT_RETENTION.bucketMs,
      },
      now: historyClock,
    },
    log,
  )
  const registry = new RoomRegistry(ctx, (room) => {
    history.attach(room)
    if (hooks.has('onChange'))
      room.doc.changes.subscribe(({ seq, update, local, author }) =>
        hooks.change({ documentName: room.name, update, seq, local, author }),
      )
  })
  pubsub?.onResync(() => {
    registry.resync()
    for (const collection of records.collections()) records.remoteCommitted(collection)
    // The others missed what this instance published while its link was down, and may have
    // resynced before it was stored: tell them to read again. (Refused again while the link
    // is still not up; the resync its return triggers sends it then.)
    for (const room of registry.values()) cluster?.publish(room.name, 'resync', new Uint8Array(0))
    for (const collection of records.collections()) cluster?.publishRecords(collection)
  })
  const conns = new Set<Connection>()
  const serverDocs = new Set<ServerDocument>()
  const perIp = new Map<string, number>()
  let closing = false
  metrics.gauge('tandem_connections', 'Open WebSocket connections', () => conns.size)
  metrics.gauge('tandem_documents_loaded', 'Documents held in memory', () => registry.size)
  metrics.gauge('tandem_held_bytes', 'Bytes of updates waiting for a dependency still in flight', () => {
    let bytes = 0
    for (const room of registry.values()) bytes += room.doc.heldBytes
    return bytes
  })

  const policy = requestPolicy({
    authenticated: Boolean(verifyToken),
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
  })
  // Something slipping past every handler is a bug to find: it shows here, not as a dead process.
  metrics.inc('tandem_uncaught_total', UNCAUGHT_HELP, undefined, 0)
  const docs = docsRest(ctx, registry, history)
  const handleRequest = httpRoutes({
    policy,
    log,
    metricsToken: options.metricsToken,
    dependencies: () => checkDependencies(storage, pubsub),
    metrics,
    isClosing: () => closing,
    staticDir: options.staticDir,
    devSecret,
    docs,
    admin: options.adminToken ? adminRoutes(ctx, registry, options.adminToken) : undefined,
    records: recordsRest(ctx, records),
    extra: hooks.has('onRequest') ? (req, res) => hooks.request(req, res) : undefined,
  })
  // Plain HTTP sockets count against their IP too (WebSockets are counted once upgraded): a
  // peer holding thousands of idle keep-alive sockets would exhaust file descriptors.
  const httpSocketsPerIp = new Map<string, number>()
  const countedSockets = new WeakSet<Duplex>()
  const uncount = (socket: Duplex, ip: string) => {
    if (!countedSockets.delete(socket)) return
    const left = (httpSocketsPerIp.get(ip) ?? 1) - 1
    if (left > 0) httpSocketsPerIp.set(ip, left)
    else httpSocketsPerIp.delete(ip)
  }
  const handleConnection = (socket: Socket) => {
    const ip = socket.remoteAddress ?? ''
    const n = (httpSocketsPerIp.get(ip) ?? 0) + 1
    if (limits.maxConnectionsPerIp > 0 && n > limits.maxConnectionsPerIp) {
      metrics.inc('tandem_rejected_sockets_total', 'HTTP sockets refused for the per-IP limit')
      socket.on('error', () => socket.destroy())
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    httpSocketsPerIp.set(ip, n)
    countedSockets.add(socket)
    socket.once('close', () => uncount(socket, ip))
  }
  const heartbeatMs = options.heartbeatMs ?? 30_000
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    // Tandem's client asks for its subprotocol; stock clients ask for none.
    handleProtocols: (protocols) => (protocols.has(TANDEM_SUBPROTOCOL) ? TANDEM_SUBPROTOCOL : false),
  })
  // One timer for all sockets: a peer that did not answer the previous ping is dropped.
  const alive = new Set<Connection>()
  const track = (conn: Connection, ip: string) => {
    conns.add(conn)
    alive.add(conn)
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1)
    conn.ws.on('pong', () => alive.add(conn))
    metrics.inc('tandem_connections_total', 'Accepted WebSocket connections')
    return () => {
      if (!conns.delete(conn)) return
      alive.delete(conn)
      const n = (perIp.get(ip) ?? 1) - 1
      if (n > 0) perIp.set(ip, n)
      else perIp.delete(ip)
    }
  }
  const upgrade = upgradeHandler({
    ctx,
    rooms: registry,
    wss,
    heartbeatMs,
    policy,
    isClosing: () => closing,
    track,
    connectionsFrom: (ip) => perIp.get(ip) ?? 0,
  })
  const heartbeat = setInterval(() => {
    for (const conn of conns) {
      if (!alive.delete(conn)) conn.ws.terminate()
      else conn.ws.ping()
    }
  }, heartbeatMs)
  heartbeat.unref()
  // Clients that only count messages as a sign of life (stock y-websocket: 30 s) hear one in time.
  const keepaliveMs = options.keepaliveMs ?? KEEPALIVE_MS
  const keepalive = setInterval(() => {
    const quietSince = Date.now() - keepaliveMs
    for (const conn of conns) if (conn.keepalive && conn.lastSentAt <= quietSince) conn.send(conn.keepalive)
  }, keepaliveMs)
  keepalive.unref()

  return {
    metrics,
    records,
    handleRequest,
    handleConnection,
    handleUpgrade(req, socket, head) {
      uncount(socket, req.socket.remoteAddress ?? '')
      upgrade(req, socket, head)
    },
    async openDocument(name, docOptions) {
      if (closing) throw new Error('the relay is closing')
      if (!validDocName(name, limits.maxDocNameLength)) throw new RangeError(`invalid document name: ${name}`)
      const opened = await openServerDocument(ctx, registry.get(name), docOptions, (sd) => serverDocs.delete(sd))
      if (closing) {
        opened.close()
        throw new Error('the relay is closing')
      }
      serverDocs.add(opened)
      return opened
    },
    stats: () => ({
      connections: conns.size,
      rooms: registry.size,
      pendingWrites: committer.pending,
      cachedBytes: [...registry.values()].reduce((n, r) => n + r.cachedBytes, 0),
      compacting: compactor.busy,
    }),
    async close() {
      ctx.reclaimer?.close()
      if (closing) return
      closing = true
      clearInterval(heartbeat)
      clearInterval(keepalive)
      registry.stop()
      // Commit what was received before saying goodbye: a client that saw its update
      // forwarded must find it after a restart.
      committer.stopRetrying()
      await committer.drain()
      await history.flush(SHUTDOWN_HISTORY_MS)
      for (const sd of [...serverDocs]) sd.close()
      for (const conn of conns) conn.close(CloseCode.GoingAway, 'server shutting down')
      for (const room of registry.values()) if (room.hasLog) compactor.schedule(room.name)
      await compactor.finish(SHUTDOWN_COMPACTION_MS)
      await hooks.destroy()
      await pubsub?.close()
      await records.close()
      await history.storage.close()
      await storage.close()
    },
  }
}
