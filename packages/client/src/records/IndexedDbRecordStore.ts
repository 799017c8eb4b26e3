import type { LwwRecord } from '@tandem/records'
import { done, request } from '../idbRequest.ts'
import type { LoadedCollection, RecordStore, RecordStoreBatch, StoredOutboxEntry } from './RecordStore.ts'

const RECORDS = 'records'
const OUTBOX = 'outbox'
const META = 'meta'

/** Every key of one collection: [c] sorts before [c, anything] and arrays sort after strings. */
const collectionRange = (c: string) => IDBKeyRange.bound([c], [c, []])

/**
 * Record collections in IndexedDB: `records` keyed [collection, id], `outbox` keyed
 * [collection, mutation id] with an `order` for sequence, `meta` keyed [collection, 'token'].
 * `apply` is one readwrite transaction over all three stores, resolved on `complete`, so a
 * local write (record + outbox entry) is durable as a unit and every tab sees it whole.
 */
export class IndexedDbRecordStore implements RecordStore {
  private db: Promise<IDBDatabase> | null = null

  constructor(private readonly options: { name: string; indexedDB?: IDBFactory }) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = (this.options.indexedDB ?? indexedDB).open(this.options.name, 1)
      req.onupgradeneeded = () => {
        req.result.createObjectStore(RECORDS)
        req.result.createObjectStore(OUTBOX)
        req.result.createObjectStore(META)
      }
      req.onsuccess = () => {
        const db = req.result
        db.onversionchange = () => {
          db.close()
          this.db = null
        }
        resolve(db)
      }
      req.onerror = () => reject(req.error)
    }).catch((err) => {
      this.db = null
      throw err
    })
    return this.db
  }

  async load(collection: string): Promise<LoadedCollection> {
    const tx = (await this.open()).transaction([RECORDS, OUTBOX, META], 'readonly')
    const [records, outbox, token] = await Promise.all([
      request(tx.objectStore(RECORDS).getAll(collectionRange(collection))) as Promise<LwwRecord[]>,
      request(tx.objectStore(OUTBOX).getAll(collectionRange(collection))) as Promise<StoredOutboxEntry[]>,
      request(tx.objectStore(META).get([collection, 'token'])) as Promise<string | undefined>,
    ])
    return { records, outbox: outbox.sort((a, b) => a.order - b.order), token: token ?? null }
  }

  async loadOutbox(collection: string): Promise<StoredOutboxEntry[]> {
    const tx = (await this.open()).transaction(OUTBOX, 'readonly')
    const rows = (await request(tx.objectStore(OUTBOX).getAll(collectionRange(collection)))) as StoredOutboxEntry[]
    return rows.sort((a, b) => a.order - b.order)
  }

  async apply(collection: string, batch: RecordStoreBatch): Promise<void> {
    const tx = (await this.open()).transaction([RECORDS, OUTBOX, META], 'readwrite', { durability: 'relaxed' })
    const records = tx.objectStore(RECORDS)
    const outbox = tx.objectStore(OUTBOX)
    if (batch.clear) records.delete(collectionRange(collection))
    for (const id of batch.remove ?? []) records.delete([collection, id])
    for (const record of batch.put ?? []) records.put(record, [collection, record.id])
    for (const id of batch.outboxRemove ?? []) outbox.delete([collection, id])
    for (const stored of batch.outboxPut ?? []) outbox.put(stored, [collection, stored.entry.mutation.id])
    if (batch.token !== undefined) tx.objectStore(META).put(batch.token, [collection, 'token'])
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
