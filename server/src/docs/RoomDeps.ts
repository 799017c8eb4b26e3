import type { Cluster } from '../cluster/Cluster.ts'
import type { Hooks } from '../hooks/Hooks.ts'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import type { RelayLimits } from '../ops/RelayLimits.ts'
import type { DocStorage } from '../storage/DocStorage.ts'
import type { Compactor } from './compaction/Compactor.ts'
import type { GroupCommitter } from './GroupCommitter.ts'

/**
 * What a loaded document needs from the relay, and nothing more: storage and its batched
 * commits, compaction, the other instances, limits, logs and metrics. Rooms never see tokens
 * or sockets' bookkeeping; the socket side's RelayContext extends this.
 */
export interface RoomDeps {
  readonly storage: DocStorage
  readonly committer: GroupCommitter
  readonly compactor: Compactor
  readonly limits: RelayLimits
  readonly log: Logger
  readonly metrics: Metrics
  /** Other relay instances sharing the storage, or null when this one is alone. */
  readonly cluster: Cluster | null
  /** Application hooks (onLoadDocument, beforeBroadcastAwareness); absent in bare contexts. */
  readonly hooks?: Hooks
}
