/**
 * Where the relay keeps documents: per document, a snapshot plus an append-only log of
 * updates. The interface is over bytes only (the relay never hands a Y.Doc to storage), so a
 * new backend is a small class that passes the acceptance suite in tests/storage.
 *
 * Durability contract: when `append` resolves, every entry in it survives a crash of the
 * process; when it rejects, none of them may be acknowledged to anyone.
 */
export interface DocStorage {
  /** Everything stored for `doc`. An unknown document loads as {@link emptyDoc}. */
  load(doc: string): Promise<StoredDoc>
  /**
   * Commits all entries in one transaction (group commit): all or none become durable.
   * Entries of one document keep their order.
   */
  append(entries: readonly AppendEntry[]): Promise<void>
  /**
   * Atomically replaces the snapshot of `doc` with `snapshot` and removes the log entries at
   * positions up to and including `upTo` (a `head` returned by `load`). Entries appended
   * after that load, by this process or another, stay. Fenced by position: a snapshot that
   * covers less than the stored one (`upTo` below the head it was made at) changes nothing,
   * so an instance paused mid-compaction can never replace a newer checkpoint.
   *
   * `fence` is a token from {@link acquireCompactionLease}: a storage that issues them
   * refuses the write (rejects with {@link FencedOut}, nothing changed) once a newer token
   * for the document was issued, so a holder paused past its lease cannot write.
   */
  compact(doc: string, snapshot: Uint8Array, upTo: number, fence?: number): Promise<void>
  /**
   * Optional, for storages several instances share: the right to checkpoint `doc` for `ttlMs`,
   * as a fencing token that grows with every grant, or null while another holder has it.
   * Without it each instance compacts on its own and only the position fence applies.
   */
  acquireCompactionLease?(doc: string, holder: string, ttlMs: number): Promise<number | null>
  /** Gives the lease back early (a no-op once a newer token was issued). */
  releaseCompactionLease?(doc: string, token: number): Promise<void>
  /**
   * Removes the document's snapshot and log and leaves a tombstone: loads then report
   * `deletedAt`, so a client that still holds the document cannot silently bring it back.
   */
  remove(doc: string): Promise<void>
  /** Clears a tombstone (an operator imports a document under a deleted name). */
  restore(doc: string): Promise<void>
  /** Every stored or deleted document with its size and last change, for operators. */
  describe(): Promise<DocInfo[]>
  /** Names of all stored documents. */
  list(): Promise<string[]>
  /**
   * Resolves when the backend answers a trivial query, rejects when it cannot (for /readyz).
   * Touches no document.
   */
  ping(): Promise<void>
  /** Releases the backend; pending appends have resolved or rejected before it resolves. */
  close(): Promise<void>
}

export interface AppendEntry {
  doc: string
  update: Uint8Array
}

export interface StoredDoc {
  /** The merged state as of the last compaction, or null if never compacted. */
  snapshot: Uint8Array | null
  /** Updates appended after the snapshot, in commit order. */
  updates: Uint8Array[]
  /**
   * Position of the last log entry returned, or of the last entry the snapshot covers when
   * the log is empty (0 for a new document); pass to `compact`. It never goes backwards.
   */
  head: number
  /** Total byte length of `updates`. */
  logBytes: number
  /** When the document was deleted (ms since the epoch), if it was. */
  deletedAt?: number
}

export interface DocInfo {
  name: string
  /** Bytes of snapshot and log. */
  bytes: number
  /** Log entries not yet folded into the snapshot. */
  updates: number
  /** Last write (ms since the epoch; 0 if unknown). */
  updatedAt: number
  deletedAt?: number
}

export function emptyDoc(): StoredDoc {
  return { snapshot: null, updates: [], head: 0, logBytes: 0 }
}
