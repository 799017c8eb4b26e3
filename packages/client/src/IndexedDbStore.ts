import type { LocalStore, StoredUpdates, StoreKey } from './LocalStore.ts'

const STORE = 'updates'

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
  })
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
 * Updates of all documents in one object store (auto-increment keys, indexed by document), so
 * an append is one small put and a load is one range read. A write resolves on the
 * transaction's `complete` event: committed, not merely queued.
 */
export class IndexedDbStore implements LocalStore {
  private db: Promise<IDBDatabase> | null = null

  constructor(private readonly options: IndexedDbStoreOptions) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = (this.options.indexedDB ?? indexedDB).open(this.options.name, 1)
      req.onupgradeneeded = () => {
        req.result.createObjectStore(STORE, { autoIncrement: true }).createIndex('doc', 'doc')
      }
      req.onsuccess = () => {
        const db = req.result
        // Another tab upgrading the schema: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close()
          this.db = null
        }
        db.onclose = () => {
          this.db = null
        }
        resolve(db)
      }
      req.onerror = () => reject(req.error)
      req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'))
    }).catch((err) => {
      this.db = null
      throw err
    })
    return this.db
  }

  private async tx(mode: IDBTransactionMode): Promise<IDBTransaction> {
    const db = await this.open()
    return db.transaction(STORE, mode, { durability: this.options.durability ?? 'relaxed' })
  }

  async load(doc: string): Promise<StoredUpdates> {
    const tx = await this.tx('readonly')
    const index = tx.objectStore(STORE).index('doc')
    const [rows, keys] = await Promise.all([
      request(index.getAll(IDBKeyRange.only(doc))) as Promise<{ update: Uint8Array }[]>,
      request(index.getAllKeys(IDBKeyRange.only(doc))) as Promise<StoreKey[]>,
    ])
    return { updates: rows.map((r) => r.update), keys }
  }

  async append(doc: string, updates: readonly Uint8Array[]): Promise<void> {
    const tx = await this.tx('readwrite')
    const store = tx.objectStore(STORE)
    for (const update of updates) store.add({ doc, update })
    await done(tx)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    const tx = await this.tx('readwrite')
    const store = tx.objectStore(STORE)
    for (const key of keys) store.delete(key)
    store.add({ doc, update: snapshot })
    await done(tx)
  }

  close(): void {
    this.db?.then(
      (db) => db.close(),
      () => {},
    )
    this.db = null
  }
}
