import type { TokenVerifier } from '../../auth/TokenVerifier.ts'
import type { RoomDeps } from '../../docs/RoomDeps.ts'
import type { RoomRegistry } from '../../docs/RoomRegistry.ts'
import type { RecordService } from '../../records/RecordService.ts'

/**
 * What a Tandem session needs from the relay, and nothing more: token checks, the rooms it
 * opens documents in, records, limits, logs and metrics. It never sees storage, compaction or
 * the cluster: writes reach those only through the rooms (writeGate).
 */
export interface SessionDeps extends Pick<RoomDeps, 'limits' | 'log' | 'metrics' | 'hooks'> {
  /** Null when the server runs without a secret: everyone may do everything (loopback only). */
  readonly verifyToken: TokenVerifier | null
  readonly rooms: RoomRegistry
  /** Absent when records are not enabled: subscribing to a collection is refused. */
  readonly records: RecordService | undefined
  /** Liveness ping interval the session announces in its Welcome. */
  readonly heartbeatMs: number
}
