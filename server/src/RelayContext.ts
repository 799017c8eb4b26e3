import type { TokenVerifier } from './auth/TokenVerifier.ts'
import type { Compactor } from './Compactor.ts'
import type { Cluster } from './cluster/Cluster.ts'
import type { GroupCommitter } from './GroupCommitter.ts'
import type { Logger } from './Logger.ts'
import type { MemoryReclaimer } from './MemoryReclaimer.ts'
import type { Metrics } from './Metrics.ts'
import type { RecordService } from './records/RecordService.ts'
import type { StorageAdapter } from './storage/StorageAdapter.ts'

/** Limits and tunables of a relay; every one has a default in resolveRelayOptions. */
export interface RelayLimits {
  /** Largest accepted WebSocket frame, in bytes. */
  maxFrameBytes: number
  /** A peer whose unsent data passes this is closed as a slow reader. */
  maxBufferedBytes: number
  /** Awareness client ids one connection may announce. */
  maxAwarenessPerConnection: number
  /** A room with no connections is evicted after this long. */
  roomIdleMs: number
  /** A room's cached state is dropped when nobody asked for it for this long. */
  stateIdleMs: number
  /** Messages and bytes one connection may send per second (sustained). */
  maxMessagesPerSecond: number
  maxBytesPerSecond: number
  /** Bytes of presence state one connection may hold (sum over its clients). */
  maxAwarenessBytes: number
  /** Documents one Tandem socket may have open. */
  maxDocsPerConnection: number
  /** Open connections per client IP; 0 for no limit. */
  maxConnectionsPerIp: number
  /** Longest accepted document name, in characters. */
  maxDocNameLength: number
  /** A Tandem socket must authenticate (Hello) within this long. */
  preAuthTimeoutMs: number
  /** An HTTP request must send its headers within this long (slow-header attacks)... */
  headersTimeoutMs: number
  /** ...and all of itself within this long. */
  requestTimeoutMs: number
  /** Compact a document once its log holds this many bytes... */
  compactBytes: number
  /** ...or this many updates. */
  compactUpdates: number
  /** Bytes of updates per document that may wait for a dependency still in flight... */
  maxHeldBytes: number
  /** ...and for how long, before they are dropped (their writers sync them again). */
  heldMs: number
}

/** What rooms and connections share: one per relay. */
export interface RelayContext {
  readonly storage: StorageAdapter
  readonly committer: GroupCommitter
  readonly compactor: Compactor
  readonly limits: RelayLimits
  readonly log: Logger
  readonly metrics: Metrics
  /** Other relay instances sharing the storage, or null when this one is alone. */
  readonly cluster: Cluster | null
  /** Null when the server runs without a secret: everyone may do everything (loopback only). */
  readonly verifyToken: TokenVerifier | null
  /** Records (field-level LWW collections); absent in contexts built without them. */
  readonly records?: RecordService
  /** Told of every inbound frame, to give memory back after a burst; absent in bare contexts. */
  readonly reclaimer?: MemoryReclaimer
}
