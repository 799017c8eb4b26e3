/**
 * Where the relay keeps records. Like DocStorage it is JSON/bytes-level and async, so a
 * PostgreSQL backend is a small class that passes tests/storage/recordStorageAcceptance.ts;
 * all merge and authority logic stays in the relay (RecordWriter), passed in as `decide`.
 *
 * Contract:
 * - Each collection has a head sequence number. Every row written gets head + 1, assigned
 *   inside the write transaction, so sequence numbers are strictly increasing and (because
 *   writers serialize on the transaction) commit order equals sequence order: a reader can
 *   never see seq n + 1 without seq n. A PostgreSQL backend gets the same by taking a row lock
 *   on the collection's head row in the write transaction.
 * - A row holds only the record's latest state and the seq of its latest change, so "changes
 *   since s" is "rows with seq > s" and a pull from 0 is a snapshot.
 * - Mutation ids are remembered per collection until purged, so a retried mutation is
 *   recognised (`duplicate`) and never applied twice.
 */
export interface RecordStorage {
  /** Identifies this storage's history; tokens from another epoch get a snapshot. Stable across restarts. */
  epoch(): Promise<string>
  /**
   * In one transaction, for each item: if its mutation id was applied before, the outcome is
   * `duplicate` and `decide` is not called; otherwise `decide(current)` chooses to write a new
   * row, leave the row as it is (still remembering the id), or reject (id not remembered).
   */
  write(collection: string, items: readonly WriteItem[], decide: Decide): Promise<WriteOutcome[]>
  /** Rows with seq > `since` in seq order, at most `limit`, read from one consistent snapshot. */
  changes(collection: string, since: number, limit: number): Promise<ChangesRead>
  /** Current rows of these ids (tombstones included); unknown ids are left out. */
  get(collection: string, ids: readonly string[]): Promise<RecordRow[]>
  /** Id and digest of every live (not deleted) record, for the Merkle tree. */
  digests(collection: string): Promise<{ id: string; digest: string }[]>
  /**
   * Deletes tombstones and remembered mutation ids last changed before `before` (ms since the
   * epoch) and raises each affected collection's purge horizon to the greatest purged seq.
   */
  purge(before: number): Promise<{ tombstones: number; mutations: number }>
  close(): Promise<void>
}

export interface RecordRow {
  readonly id: string
  /** The LwwRecord as JSON. */
  readonly data: string
  /** recordDigest of the record. */
  readonly digest: string
  readonly deleted: boolean
  readonly seq: number
}

export interface WriteItem {
  readonly mutationId: string
  readonly recordId: string
}

export interface NewRow {
  readonly data: string
  readonly digest: string
  readonly deleted: boolean
}

/** `row`: write it; `keep`: no change, but the mutation counts as applied; `reject`: refused. */
export type Decision = { kind: 'row'; row: NewRow } | { kind: 'keep' } | { kind: 'reject' }

export type Decide = (current: RecordRow | undefined, index: number) => Decision

export type WriteOutcome =
  | { status: 'written'; row: RecordRow }
  | { status: 'kept' }
  | { status: 'rejected' }
  | { status: 'duplicate' }

export interface ChangesRead {
  readonly rows: RecordRow[]
  /** More rows follow the last one returned. */
  readonly more: boolean
  /** The collection's head when read: a client that read everything is up to date at this seq. */
  readonly head: number
  /** Greatest seq of a purged tombstone; a client behind it may have missed a delete. */
  readonly purged: number
}
