/**
 * Where a client keeps its documents on the device. Writes resolve only once committed, which
 * is what lets a document say "saved" honestly (y-indexeddb's writes are fire-and-forget).
 */
export interface LocalStore {
  /** Every stored update of `doc`, with the keys `compact` needs. */
  load(doc: string): Promise<StoredUpdates>
  /** Commits `updates` for `doc` in one transaction; resolves when they are durable. */
  append(doc: string, updates: readonly Uint8Array[]): Promise<void>
  /**
   * Atomically replaces the entries `keys` (from a load) with `snapshot`. Entries written
   * meanwhile, by this tab or another, stay.
   */
  compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void>
  close(): void
}

export type StoreKey = number

export interface StoredUpdates {
  updates: Uint8Array[]
  keys: StoreKey[]
}

/** A LocalStore for scripts, bots, tests and benchmarks: nothing survives the process. */
export class MemoryStore implements LocalStore {
  private readonly docs = new Map<string, Map<StoreKey, Uint8Array>>()
  private nextKey = 1
  /** Set to make every write fail, as a full or closed database would. */
  failWrites: Error | null = null

  async load(doc: string): Promise<StoredUpdates> {
    const entries = [...(this.docs.get(doc) ?? [])]
    return { updates: entries.map(([, u]) => u), keys: entries.map(([k]) => k) }
  }

  async append(doc: string, updates: readonly Uint8Array[]): Promise<void> {
    if (this.failWrites) throw this.failWrites
    const entries = this.docs.get(doc) ?? new Map<StoreKey, Uint8Array>()
    this.docs.set(doc, entries)
    for (const u of updates) entries.set(this.nextKey++, u)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    if (this.failWrites) throw this.failWrites
    const entries = this.docs.get(doc) ?? new Map<StoreKey, Uint8Array>()
    for (const k of keys) entries.delete(k)
    entries.set(this.nextKey++, snapshot)
    this.docs.set(doc, entries)
  }

  close(): void {}
}
