import type { Compactor } from './Compactor.ts'
import type { GroupCommitter } from './GroupCommitter.ts'
import type { Logger } from './Logger.ts'
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
  /** Compact a document once its log holds this many bytes... */
  compactBytes: number
  /** ...or this many updates. */
  compactUpdates: number
}

/** What rooms and connections share: one per relay. */
export interface RelayContext {
  readonly storage: StorageAdapter
  readonly committer: GroupCommitter
  readonly compactor: Compactor
  readonly limits: RelayLimits
  readonly log: Logger
}
