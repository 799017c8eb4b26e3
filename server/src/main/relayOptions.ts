import type { PubSub } from '../cluster/PubSub.ts'
import type { RelayExtension, RelayHooks } from '../hooks/RelayExtension.ts'
import type { Logger } from '../ops/Logger.ts'
import type { RelayLimits } from '../ops/RelayLimits.ts'
import type { DocStorage } from '../storage/DocStorage.ts'
import type { RecordStorage } from '../storage/RecordStorage.ts'
import type { VersionStorage } from '../storage/VersionStorage.ts'

export interface RelayOptions extends Partial<RelayLimits> {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string
  /** Port; 0 picks a free one (see Relay.port). Default 1234. */
  port?: number
  /** Folder of the default SQLite storage; default ./data. Ignored when `storage` is given. */
  dataDir?: string
  /** Storage backend; default SqliteDocStorage in `dataDir`. The relay closes it on close(). */
  storage?: DocStorage
  /** SQLite durability, see SqliteDocStorageOptions.synchronous. */
  synchronous?: 'normal' | 'full'
  /** Serve static files (the playground) from this folder. */
  staticDir?: string
  logger?: Logger
  /** Application hooks (docs/extensions.md): one extension, and `hookTimeoutMs` for all. */
  hooks?: RelayHooks
  /** More extensions (webhooks, the IP throttle, your own), run with `hooks` by priority. */
  extensions?: RelayExtension[]
  /** Interval of WebSocket pings; a peer that misses one is dropped. */
  heartbeatMs?: number
  /** A stock client that heard nothing this long is sent an empty presence update; default 10 000 ms. */
  keepaliveMs?: number
  /**
   * Token verification. Without it the relay accepts everyone and so refuses to listen on
   * anything but loopback.
   */
  auth?: { secret?: Uint8Array | string; publicKeyPem?: string; publicKeyAlgorithm?: string }
  /**
   * Origins (`https://app.example.com`) browsers may call from, for WebSockets and the HTTP
   * API; others are refused (403). Default: any with a secret, loopback only without one.
   */
  allowedOrigins?: string[]
  /**
   * Host header names (no port) requests may carry; others are refused (403), which stops DNS
   * rebinding. Default: any with a secret, loopback names only without one.
   */
  allowedHosts?: string[]
  /** Bearer token /metrics asks for; without one /metrics is open. */
  metricsToken?: string
  /** Pub/sub to other relay instances sharing the storage (Redis); the relay closes it on close(). */
  pubsub?: PubSub
  /** Bearer token of the admin API (/admin/...); without one the API does not exist. */
  adminToken?: string
  /** Serve GET /dev/token (demo tokens for the playground); loopback only. */
  devTokens?: boolean
  /**
   * Record storage; default SqliteRecordStorage in `dataDir`'s SQLite file (in memory when a
   * custom `storage` is given without `dataDir`). Closed on close().
   */
  recordStorage?: RecordStorage
  /** Record collections in authority mode: writes based on a stale field version are refused (409). */
  authorityCollections?: string[]
  /** How far ahead of the server's clock a record stamp may be; default 60 s. */
  recordsMaxSkewMs?: number
  /** Record tombstones (and remembered mutation ids) are purged after this long; default 30 days. */
  tombstoneHorizonMs?: number
  /** Interval of the purge; 0 turns the timer off. Default 1 h. */
  purgeIntervalMs?: number
  /**
   * When the heap and buffers grew by this much since the last collection, run one full
   * collection after a second of quiet, so a burst's garbage goes back to the system
   * (MemoryReclaimer); 0 turns it off. Default 8 MiB.
   */
  reclaimAfterBytes?: number
  /**
   * Version history; default SqliteVersionStorage in `dataDir`'s SQLite file (in memory when a
   * custom `storage` is given without `dataDir`). Closed on close().
   */
  versionStorage?: VersionStorage
  /** A version is taken after this long without a committed change; default 10 s. */
  historyQuietMs?: number
  /** ...and at least every this many committed changes; default 1000. */
  historyEveryChanges?: number
  /** Every version younger than this is kept; default 30 days. */
  historyKeepAllMs?: number
  /** Older unnamed versions are thinned to one per this long; default one day. */
  historyBucketMs?: number
  /** Clock of the default version storage and of retention (tests inject one). */
  historyClock?: () => number
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: 4 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxAwarenessPerConnection: 16,
  maxMessagesPerSecond: 10_000,
  maxBytesPerSecond: 1024 * 1024,
  maxAwarenessBytes: 64 * 1024,
  maxDocsPerConnection: 1_000,
  maxConnectionsPerIp: 4_096,
  maxDocNameLength: 512,
  preAuthTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  roomIdleMs: 30_000,
  stateIdleMs: 10_000,
  compactBytes: 1024 * 1024,
  compactUpdates: 1_000,
  compactLeaseMs: 30_000,
  maxHeldBytes: 1024 * 1024,
  heldMs: 30_000,
  commitRetryMs: 60_000,
  maxQueuedCommitBytes: 64 * 1024 * 1024,
}

export function resolveLimits(options: RelayOptions): RelayLimits {
  const limits = { ...DEFAULT_LIMITS }
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof RelayLimits)[]) {
    const value = options[key]
    if (value === undefined) continue
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`${key} must be a non-negative number, got ${value}`)
    limits[key] = value
  }
  return limits
}
