import { type LwwRecord, mergeRecords } from '@tandem/records'
import { IdbDatabase } from '../IdbDatabase.ts'
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
  private readonly db: IdbDatabase

  constructor(options: { name: string; indexedDB?: IDBFactory }) {
    this.db = new IdbDatabase(options.name, 1, createStores, options.indexedDB)
  }

  async load(collection: string): Promise<LoadedCollection> {
    const tx = (await this.db.open()).transaction([RECORDS, OUTBOX, META], 'readonly')
    const [records, outbox, token] = await Promise.all([
      request(tx.objectStore(RECORDS).getAll(collectionRange(collection))) as Promise<LwwRecord[]>,
      request(tx.objectStore(OUTBOX).getAll(collectionRange(collection))) as Promise<StoredOutboxEntry[]>,
      request(tx.objectStore(META).get([collection, 'token'])) as Promise<string | undefined>,
    ])
    return { records, outbox: outbox.sort((a, b) => a.order - b.order), token: token ?? null }
  }

  async loadOutbox(collection: string): Promise<StoredOutboxEntry[]> {
    const tx = (await this.db.open()).transaction(OUTBOX, 'readonly')
    const rows = (await request(tx.objectStore(OUTBOX).getAll(collectionRange(collection)))) as StoredOutboxEntry[]
    return rows.sort((a, b) => a.order - b.order)
  }

  async apply(collection: string, batch: RecordStoreBatch): Promise<void> {
    const tx = (await this.db.open()).transaction([RECORDS, OUTBOX, META], 'readwrite', { durability: 'relaxed' })
    const records = tx.objectStore(RECORDS)
    const outbox = tx.objectStore(OUTBOX)
    if (batch.clear) records.delete(collectionRange(collection))
    for (const id of batch.remove ?? []) records.delete([collection, id])
    for (const record of batch.put ?? []) {
      const key = [collection, record.id]
      const stored = records.get(key)
      stored.onsuccess = () => {
        const current = stored.result as LwwRecord | undefined
        records.put(current ? mergeRecords(current, record).record : record, key)
      }
    }
    for (const record of batch.replace ?? []) records.put(record, [collection, record.id])
    for (const id of batch.outboxRemove ?? []) outbox.delete([collection, id])
    for (const stored of batch.outboxPut ?? []) outbox.put(stored, [collection, stored.entry.mutation.id])
    if (batch.token !== undefined) tx.objectStore(META).put(batch.token, [collection, 'token'])
    await done(tx)
  }

  close(): void {
    this.db.close()
  }
}

function createStores(db: IDBDatabase): void {
  db.createObjectStore(RECORDS)
  db.createObjectStore(OUTBOX)
  db.createObjectStore(META)
}
