/** Limits and tunables of a relay; every one has a default in main/relayOptions.ts (resolveLimits). */
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
  /**
   * With several instances on one storage, one at a time compacts a document, holding a lease
   * this long; a holder paused past it is fenced out by the storage.
   */
  compactLeaseMs: number
  /** Bytes of updates per document that may wait for a dependency still in flight... */
  maxHeldBytes: number
  /** ...and for how long, before they are dropped (their writers sync them again). */
  heldMs: number
  /** How long failed commits are retried (storage down) before the writes fail... */
  commitRetryMs: number
  /** ...or until this many bytes wait for storage. */
  maxQueuedCommitBytes: number
}
