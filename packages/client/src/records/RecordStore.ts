import { type LwwRecord, mergeRecords, type OutboxEntry } from '@tandem/records'

/** An outbox entry as stored: `order` keeps the outbox's sequence across reloads and tabs. */
export interface StoredOutboxEntry {
  readonly order: number
  readonly entry: OutboxEntry
}

export interface LoadedCollection {
  readonly records: LwwRecord[]
  readonly outbox: StoredOutboxEntry[]
  /** The sync token after the last applied page; null before the first sync. */
  readonly token: string | null
}

/** One atomic change to a collection on the device. */
export interface RecordStoreBatch {
  /** Drop every record of the collection first (a reset); the outbox stays. */
  readonly clear?: boolean
  /**
   * Merged (field-level LWW) with the stored copy inside the transaction: another tab may have
   * stored a newer merge this tab has not heard of yet, and must not be overwritten by it.
   */
  readonly put?: readonly LwwRecord[]
  /**
   * A pulled page as it came over the wire (validated already): its `changes` merge like
   * `put`. Stored as the text it arrived in, so a 1,000-record page is not stringified again.
   */
  readonly page?: PulledPage
  /** Stored as they are, whatever is stored now: rollbacks and repairs. */
  readonly replace?: readonly LwwRecord[]
  readonly remove?: readonly string[]
  readonly outboxPut?: readonly StoredOutboxEntry[]
  /** Mutation ids to drop from the outbox. */
  readonly outboxRemove?: readonly string[]
  /** New sync token; undefined leaves it as is. */
  readonly token?: string | null
}

/**
 * A changes page as it came over the wire, and its `changes` as parsed (and validated) from
 * it: a store keeps whichever is cheaper for it, the text or the records.
 */
export interface PulledPage {
  readonly json: string
  readonly changes: readonly LwwRecord[]
}

/**
 * Where a client keeps record collections. `apply` commits a whole batch in one transaction,
 * which is what makes a local write safe: the record and its outbox mutation are stored
 * together or not at all, so a crash can neither lose a pending write nor leave a mutation
 * whose optimistic value was never stored.
 */
export interface RecordStore {
  load(collection: string): Promise<LoadedCollection>
  /** Just the outbox, for a leader tab picking up other tabs' writes. */
  loadOutbox(collection: string): Promise<StoredOutboxEntry[]>
  /** Commits batches in the order of the calls, however many are under way at once. */
  apply(collection: string, batch: RecordStoreBatch): Promise<void>
  close(): void
}

interface MemoryCollection {
  records: Map<string, LwwRecord>
  outbox: Map<string, StoredOutboxEntry>
  token: string | null
}

const byOrder = (a: StoredOutboxEntry, b: StoredOutboxEntry) => a.order - b.order

/** A RecordStore for Node and tests: nothing survives the process. */
export class MemoryRecordStore implements RecordStore {
  private readonly collections = new Map<string, MemoryCollection>()
  /** Set to make every write fail, as a full or closed database would. */
  failWrites: Error | null = null

  private get(collection: string): MemoryCollection {
    let c = this.collections.get(collection)
    if (!c) {
      c = { records: new Map(), outbox: new Map(), token: null }
      this.collections.set(collection, c)
    }
    return c
  }

  async load(collection: string): Promise<LoadedCollection> {
    const c = this.get(collection)
    return { records: [...c.records.values()], outbox: [...c.outbox.values()].sort(byOrder), token: c.token }
  }

  async loadOutbox(collection: string): Promise<StoredOutboxEntry[]> {
    return [...this.get(collection).outbox.values()].sort(byOrder)
  }

  async apply(collection: string, batch: RecordStoreBatch): Promise<void> {
    if (this.failWrites) throw this.failWrites
    const c = this.get(collection)
    if (batch.clear) c.records.clear()
    for (const id of batch.remove ?? []) c.records.delete(id)
    for (const record of [...(batch.put ?? []), ...(batch.page?.changes ?? [])]) {
      const stored = c.records.get(record.id)
      c.records.set(record.id, stored ? mergeRecords(stored, record).record : record)
    }
    for (const record of batch.replace ?? []) c.records.set(record.id, record)
    for (const id of batch.outboxRemove ?? []) c.outbox.delete(id)
    for (const stored of batch.outboxPut ?? []) c.outbox.set(stored.entry.mutation.id, stored)
    if (batch.token !== undefined) c.token = batch.token
  }

  /** Test hook: replaces a stored record behind the client's back, as a corrupted disk would. */
  tamper(collection: string, record: LwwRecord): void {
    this.get(collection).records.set(record.id, record)
  }

  close(): void {}
}
