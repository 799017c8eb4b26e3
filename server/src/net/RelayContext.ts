import type { TokenVerifier } from '../auth/TokenVerifier.ts'
import type { RoomDeps } from '../docs/RoomDeps.ts'
import type { MemoryReclaimer } from '../ops/MemoryReclaimer.ts'
import type { RecordService } from '../records/RecordService.ts'

/**
 * What the socket and HTTP sides share, one per relay: what rooms need (RoomDeps) plus token
 * checks, records and the memory reclaimer, which rooms never touch.
 */
export interface RelayContext extends RoomDeps {
  /** Null when the server runs without a secret: everyone may do everything (loopback only). */
  readonly verifyToken: TokenVerifier | null
  /** Records (field-level LWW collections); absent in contexts built without them. */
  readonly records?: RecordService
  /** Told of every inbound frame, to give memory back after a burst; absent in bare contexts. */
  readonly reclaimer?: MemoryReclaimer
}
