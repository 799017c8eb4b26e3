import { IdbDatabase } from './IdbDatabase.ts'
import { done, request } from './idbRequest.ts'
import type { LocalStore, StoredUpdates, StoreKey } from './LocalStore.ts'

/** Every document's entries; `id` is generated, and the `doc` index is on [doc, id]. */
const LOG = 'log'
/** Per document, the lowest id a live entry can have (everything below was compacted away). */
const FLOORS = 'floors'
const VERSION = 2

interface Row {
  id?: number
  doc: string
  update: Uint8Array
}

export interface IndexedDbStoreOptions {
  /** Database name; one per server URL keeps two servers' documents apart. */
  name: string
  /** 'strict' flushes each commit to disk; 'relaxed' (default) survives tab and browser crashes. */
  durability?: IDBTransactionDurability
  /** Injected for tests that make IndexedDB fail. */
  indexedDB?: IDBFactory
}

/**
 * Updates of all documents in one object store (generated ids, indexed by [doc, id]), so an
 * append is one small put and a load is one range read that starts past what compaction
 * deleted. A write resolves on the transaction's `complete` event: committed, not merely queued.
 */
export class IndexedDbStore implements LocalStore {
  private readonly db: IdbDatabase

  constructor(private readonly options: IndexedDbStoreOptions) {
    this.db = new IdbDatabase(options.name, VERSION, upgrade, options.indexedDB)
  }

  private async tx(mode: IDBTransactionMode): Promise<IDBTransaction> {
    const db = await this.db.open()
    return db.transaction([LOG, FLOORS], mode, { durability: this.options.durability ?? 'relaxed' })
  }

  async load(doc: string): Promise<StoredUpdates> {
    const tx = await this.tx('readonly')
    // Start at the floor: reading from [doc, 0] would step over every entry compaction ever
    // deleted, which LevelDB keeps as tombstones for a long time (300 ms for the trace's log).
    const floor = ((await request(tx.objectStore(FLOORS).get(doc))) as number | undefined) ?? 0
    const range = IDBKeyRange.bound([doc, floor], [doc, Number.POSITIVE_INFINITY])
    const rows = (await request(tx.objectStore(LOG).index('doc').getAll(range))) as Row[]
    return { updates: rows.map((r) => r.update), keys: rows.map((r) => r.id as StoreKey) }
  }

  async append(doc: string, updates: readonly Uint8Array[]): Promise<void> {
    const tx = await this.tx('readwrite')
    const store = tx.objectStore(LOG)
    for (const update of updates) store.add({ doc, update } satisfies Row)
    await done(tx)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    const tx = await this.tx('readwrite')
    const store = tx.objectStore(LOG)
    let highest = -1
    for (const key of keys) {
      store.delete(key)
      highest = Math.max(highest, key)
    }
    store.add({ doc, update: snapshot } satisfies Row)
    // `keys` held every live entry of `doc` when they were loaded, and ids only grow: no live
    // entry is left at or below the highest of them.
    if (highest >= 0) tx.objectStore(FLOORS).put(highest + 1, doc)
    await done(tx)
  }

  close(): void {
    this.db.close()
  }
}

/**
 * Creates the version-2 schema. Version 1 kept entries in 'updates' with out-of-line keys and
 * an index on `doc` alone, so a load could not skip compacted entries; its rows move over.
 */
function upgrade(db: IDBDatabase, tx: IDBTransaction | null): void {
  const log = db.createObjectStore(LOG, { keyPath: 'id', autoIncrement: true })
  log.createIndex('doc', ['doc', 'id'])
  db.createObjectStore(FLOORS)
  if (!tx || !db.objectStoreNames.contains('updates')) return
  tx.objectStore('updates').getAll().onsuccess = (event) => {
    for (const row of (event.target as IDBRequest<Row[]>).result) log.add({ doc: row.doc, update: row.update })
    db.deleteObjectStore('updates')
  }
}
