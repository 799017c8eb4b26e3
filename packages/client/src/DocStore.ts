/**
 * Where a client keeps its documents on the device. Writes resolve only once committed, which
 * is what lets a document say "saved" honestly (y-indexeddb's writes are fire-and-forget).
 */
export interface DocStore {
  /** The snapshot and every stored entry of `doc`, with the entries' keys for `compact`. */
  load(doc: string): Promise<StoredUpdates>
  /**
   * Commits `updates` for `doc` in one transaction; resolves with their keys when they are
   * durable. With `unackedBy` (a writer id), the same transaction records that the writer
   * holds local changes the server has not acked, so a reload knows to count them.
   */
  append(doc: string, updates: readonly Uint8Array[], unackedBy?: string): Promise<StoreKey[]>
  /**
   * The server acked every local change `writer` made, and the stored entries up to
   * `othersUpTo` (loaded by it): clears its record and those of writers with nothing newer.
   */
  acked(doc: string, writer: string, othersUpTo: StoreKey): Promise<void>
  /**
   * One compaction step, atomically: `snapshot` replaces the document's snapshot and the
   * entries `keys` are deleted. `snapshot` must hold the old snapshot and those entries; every
   * other entry (another tab's, or one left for a later step) stays.
   */
  compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void>
  close(): void
}

export type StoreKey = number

export interface StoredUpdates {
  /** Some writer stored local changes it never saw acked. */
  unacked: boolean
  /** What compaction folded so far; null before the first step. */
  snapshot: Uint8Array | null
  /** Entries written since, oldest first. */
  updates: Uint8Array[]
  keys: StoreKey[]
}

/** A DocStore for scripts, bots, tests and benchmarks: nothing survives the process. */
export class MemoryStore implements DocStore {
  private readonly docs = new Map<string, Map<StoreKey, Uint8Array>>()
  private readonly snapshots = new Map<string, Uint8Array>()
  private readonly unacked = new Map<string, Map<string, StoreKey>>()
  private nextKey = 1
  /** Set to make every write fail, as a full or closed database would. */
  failWrites: Error | null = null

  async load(doc: string): Promise<StoredUpdates> {
    const entries = [...(this.docs.get(doc) ?? [])]
    return {
      unacked: (this.unacked.get(doc)?.size ?? 0) > 0,
      snapshot: this.snapshots.get(doc) ?? null,
      updates: entries.map(([, u]) => u),
      keys: entries.map(([k]) => k),
    }
  }

  async append(doc: string, updates: readonly Uint8Array[], unackedBy?: string): Promise<StoreKey[]> {
    if (this.failWrites) throw this.failWrites
    const entries = this.docs.get(doc) ?? new Map<StoreKey, Uint8Array>()
    this.docs.set(doc, entries)
    const keys = updates.map((u) => {
      const key = this.nextKey++
      entries.set(key, u)
      return key
    })
    if (unackedBy !== undefined && keys.length > 0) {
      const markers = this.unacked.get(doc) ?? new Map<string, StoreKey>()
      markers.set(unackedBy, keys[keys.length - 1]!)
      this.unacked.set(doc, markers)
    }
    return keys
  }

  async acked(doc: string, writer: string, othersUpTo: StoreKey): Promise<void> {
    const markers = this.unacked.get(doc)
    markers?.delete(writer)
    for (const [w, upTo] of markers ?? []) if (upTo <= othersUpTo) markers?.delete(w)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    if (this.failWrites) throw this.failWrites
    const entries = this.docs.get(doc)
    for (const k of keys) entries?.delete(k)
    this.snapshots.set(doc, snapshot)
  }

  close(): void {}
}
