import type { Logger } from './Logger.ts'
import type { RelayLimits } from './RelayContext.ts'
import type { StorageAdapter } from './storage/StorageAdapter.ts'

export interface RelayOptions extends Partial<RelayLimits> {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string
  /** Port; 0 picks a free one (see Relay.port). Default 1234. */
  port?: number
  /** Folder of the default SQLite storage; default ./data. Ignored when `storage` is given. */
  dataDir?: string
  /** Storage backend; default SqliteStorage in `dataDir`. The relay closes it on close(). */
  storage?: StorageAdapter
  /** SQLite durability, see SqliteStorageOptions.synchronous. */
  synchronous?: 'normal' | 'full'
  /** Serve static files (the playground) from this folder. */
  staticDir?: string
  logger?: Logger
  /** Longest accepted document name, in characters. */
  maxDocNameLength?: number
  /** Interval of WebSocket pings; a peer that misses one is dropped. */
  heartbeatMs?: number
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: 4 * 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxAwarenessPerConnection: 16,
  roomIdleMs: 30_000,
  stateIdleMs: 10_000,
  compactBytes: 1024 * 1024,
  compactUpdates: 1_000,
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
