import type { LwwRecord } from '@tandem/records'
import { IdbDatabase } from '../IdbDatabase.ts'
import { done, request } from '../idbRequest.ts'
import type { LoadedCollection, RecordStore, RecordStoreBatch, StoredOutboxEntry } from './RecordStore.ts'
import { chunksOf, foldChunks, foldThreshold, type RecordChunk } from './recordChunks.ts'

const CHUNKS = 'chunks'
const OUTBOX = 'outbox'
const META = 'meta'
const VERSION = 3

/** Every key of one collection: [c] sorts before [c, anything] and arrays sort after strings. */
const collectionRange = (c: string) => IDBKeyRange.bound([c], [c, []])

/**
 * Record collections in IndexedDB. Records are a log of chunks per collection (`chunks`,
 * generated keys, indexed by [collection, key]): a pulled page is one chunk, one put of one
 * string, and a load folds the chunks in commit order. Merging is field-level LWW, so a tab
 * whose memory holds an older merge of a record cannot store over a newer one: the fold
 * keeps the winner. A collection whose chunks pile up is folded back into few, in one
 * transaction. `outbox` is keyed [collection, mutation id] with an `order` for sequence,
 * `meta` [collection, 'token']. `apply` is one readwrite transaction, resolved on `complete`,
 * so a local write (record + outbox entry) is durable as a unit and every tab sees it whole.
 */
export class IndexedDbRecordStore implements RecordStore {
  private readonly db: IdbDatabase
  /** Per collection: chunks after the last load or fold, and the records it held. */
  private readonly counts = new Map<string, { chunks: number; records: number }>()
  private folding: Promise<void> | null = null

  constructor(options: { name: string; indexedDB?: IDBFactory }) {
    this.db = new IdbDatabase(options.name, VERSION, upgrade, options.indexedDB)
  }

  async load(collection: string): Promise<LoadedCollection> {
    const tx = (await this.db.open()).transaction([CHUNKS, OUTBOX, META], 'readonly')
    const [chunks, outbox, token] = await Promise.all([
      request(tx.objectStore(CHUNKS).index('collection').getAll(collectionRange(collection))) as Promise<RecordChunk[]>,
      request(tx.objectStore(OUTBOX).getAll(collectionRange(collection))) as Promise<StoredOutboxEntry[]>,
      request(tx.objectStore(META).get([collection, 'token'])) as Promise<string | undefined>,
    ])
    const records = [...foldChunks(chunks).values()]
    this.counts.set(collection, { chunks: chunks.length, records: records.length })
    this.maybeFold(collection)
    return { records, outbox: outbox.sort((a, b) => a.order - b.order), token: token ?? null }
  }

  async loadOutbox(collection: string): Promise<StoredOutboxEntry[]> {
    const tx = (await this.db.open()).transaction(OUTBOX, 'readonly')
    const rows = (await request(tx.objectStore(OUTBOX).getAll(collectionRange(collection)))) as StoredOutboxEntry[]
    return rows.sort((a, b) => a.order - b.order)
  }

  /** Collections whose outbox holds mutations (a background flush sends those). */
  async outboxCollections(): Promise<string[]> {
    const tx = (await this.db.open()).transaction(OUTBOX, 'readonly')
    const keys = (await request(tx.objectStore(OUTBOX).getAllKeys())) as [string, string][]
    return [...new Set(keys.map(([collection]) => collection))]
  }

  async apply(collection: string, batch: RecordStoreBatch): Promise<void> {
    const tx = (await this.db.open()).transaction([CHUNKS, OUTBOX, META], 'readwrite', { durability: 'relaxed' })
    const chunks = tx.objectStore(CHUNKS)
    const outbox = tx.objectStore(OUTBOX)
    const count = this.counts.get(collection) ?? { chunks: 0, records: 0 }
    if (batch.clear) {
      for (const key of await request(chunks.index('collection').getAllKeys(collectionRange(collection))))
        chunks.delete(key)
      count.chunks = count.records = 0
    }
    const add = (kind: RecordChunk['kind'], items: readonly unknown[] | undefined) => {
      if (!items?.length) return
      chunks.add({ collection, kind, json: JSON.stringify(items) } satisfies RecordChunk)
      count.chunks++
    }
    add('remove', batch.remove)
    add('merge', batch.put)
    if (batch.page) {
      chunks.add({ collection, kind: 'page', json: batch.page.json } satisfies RecordChunk)
      count.chunks++
      count.records += batch.page.changes.length
    }
    add('replace', batch.replace)
    count.records += batch.put?.length ?? 0
    for (const id of batch.outboxRemove ?? []) outbox.delete([collection, id])
    for (const stored of batch.outboxPut ?? []) outbox.put(stored, [collection, stored.entry.mutation.id])
    if (batch.token !== undefined) tx.objectStore(META).put(batch.token, [collection, 'token'])
    await done(tx)
    this.counts.set(collection, count)
    this.maybeFold(collection)
  }

  /** Folds a collection's chunks into few once they pile up (many small local writes). */
  private maybeFold(collection: string): void {
    const count = this.counts.get(collection)
    if (!count || this.folding || count.chunks <= foldThreshold(count.records)) return
    this.folding = this.fold(collection)
      .catch(() => {
        // Folding only saves space and load time; the chunks stay valid as they are.
      })
      .finally(() => {
        this.folding = null
      })
  }

  private async fold(collection: string): Promise<void> {
    // One transaction reads, folds and rewrites: no other tab's write can fall in between.
    const tx = (await this.db.open()).transaction(CHUNKS, 'readwrite', { durability: 'relaxed' })
    const store = tx.objectStore(CHUNKS)
    const chunks = (await request(store.index('collection').getAll(collectionRange(collection)))) as RecordChunk[]
    const records = foldChunks(chunks)
    for (const chunk of chunks) store.delete(chunk.key!)
    const folded = chunksOf(collection, records.values())
    for (const chunk of folded) store.add(chunk)
    await done(tx)
    this.counts.set(collection, { chunks: folded.length, records: records.size })
  }

  close(): void {
    this.db.close()
  }
}

/**
 * Creates the version-3 schema. Version 3 only adds the 'page' chunk kind: its number keeps a
 * version-2 client (which cannot fold such chunks) from opening the database. Version 1 kept
 * one row per record in 'records' (keyed [collection, id]); they move into one chunk per
 * collection.
 */
function upgrade(db: IDBDatabase, tx: IDBTransaction | null): void {
  if (db.objectStoreNames.contains(CHUNKS)) return
  const chunks = db.createObjectStore(CHUNKS, { keyPath: 'key', autoIncrement: true })
  chunks.createIndex('collection', ['collection', 'key'])
  if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX)
  if (!db.objectStoreNames.contains(META)) db.createObjectStore(META)
  if (!tx || !db.objectStoreNames.contains('records')) return
  const old = tx.objectStore('records')
  old.getAllKeys().onsuccess = (keys) => {
    old.getAll().onsuccess = (values) => {
      const byCollection = new Map<string, LwwRecord[]>()
      const rows = (values.target as IDBRequest<LwwRecord[]>).result
      ;(keys.target as IDBRequest<IDBValidKey[]>).result.forEach((key, i) => {
        const collection = (key as [string, string])[0]
        const list = byCollection.get(collection) ?? []
        list.push(rows[i]!)
        byCollection.set(collection, list)
      })
      for (const [collection, records] of byCollection)
        for (const chunk of chunksOf(collection, records)) chunks.add(chunk)
      db.deleteObjectStore('records')
    }
  }
}
