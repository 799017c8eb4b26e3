// The page the records Chromium tests drive: one Tandem client with IndexedDB storage and one
// collection, exposed as window.recordsHarness. Values cross the page boundary as plain JSON.
import {
  createTandem,
  IndexedDbRecordStore,
  type RecordCollection,
  type RecordValues,
  type Tandem,
} from '@tandem/client'
import { recordValues } from '@tandem/records'

export interface RecordsHarness {
  open(collection: string): Promise<{ id: string; values: RecordValues }[]>
  put(id: string, fields: RecordValues): Promise<void>
  update(id: string, fields: RecordValues): Promise<void>
  all(): { id: string; values: RecordValues }[]
  status(): { state: string; pending: number; leader: boolean; error: string | null }
  rejected(): string[]
  setOnline(online: boolean): void
  checkIns(): { equal: boolean; repaired: string[]; bytes: number }[]
  /** Overwrites a stored record's field value behind the client's back, as a corrupted disk would. */
  corrupt(collection: string, id: string, field: string, value: string): Promise<void>
  /**
   * Opens `collection` and, the moment its status first says `synced`, reads IndexedDB from a
   * second connection (what a reload would show): the records in memory and stored then.
   */
  countAtSynced(collection: string): Promise<{ memory: number; stored: number }>
  /** Writes `records` in the version-1 layout (a row per record), then loads them through the store. */
  upgradeFromV1(dbName: string, rows: { collection: string; record: unknown }[]): Promise<Record<string, string[]>>
  /**
   * Writes a version-2 database (chunks, one merge chunk), then through the current store
   * merges a pulled page into it and reloads: each record's title, and the token.
   */
  pageOverV2(dbName: string): Promise<{ titles: Record<string, string>; token: string | null }>
  /** The record as stored in IndexedDB now (from a second connection), as plain values. */
  stored(collection: string, id: string): Promise<RecordValues | null>
}

const relay = new URLSearchParams(location.search).get('relay') ?? ''
let tandem: Tandem | null = null
let collection: RecordCollection | null = null
const rejected: string[] = []
const checkIns: { equal: boolean; repaired: string[]; bytes: number }[] = []

const open = () => {
  if (!collection) throw new Error('call open() first')
  return collection
}

const harness: RecordsHarness = {
  async open(name) {
    tandem = createTandem({ url: relay, transport: { backoff: { baseMs: 50, capMs: 500 } } })
    collection = tandem.records(name)
    collection.on('rejected', (e) => rejected.push(e.reason))
    collection.on('checkIn', (r) => checkIns.push({ equal: r.equal, repaired: r.repaired, bytes: r.bytes }))
    await collection.ready
    return collection.all()
  },
  put: (id, fields) => open().put(id, fields),
  update: (id, fields) => open().update(id, fields),
  all: () => open().all(),
  status: () => {
    const s = open().status.value
    return { state: s.state, pending: s.pending, leader: s.leader, error: s.lastError ? String(s.lastError) : null }
  },
  rejected: () => rejected.slice(),
  setOnline: (online) => tandem?.setOnline(online),
  checkIns: () => checkIns.slice(),
  countAtSynced(name) {
    tandem = createTandem({ url: relay, transport: { backoff: { baseMs: 50, capMs: 500 } } })
    const c = tandem.records(name)
    collection = c
    return new Promise((resolve, reject) => {
      const stop = c.status.subscribe((s) => {
        if (s.state !== 'synced') return
        stop()
        const memory = c.all().length
        const probe = new IndexedDbRecordStore({ name: `tandem-records:${relay}` })
        probe.load(name).then((loaded) => {
          probe.close()
          resolve({ memory, stored: loaded.records.filter((r) => recordValues(r) !== undefined).length })
        }, reject)
      })
    })
  },
  async upgradeFromV1(dbName, rows) {
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(dbName, 1)
      req.onupgradeneeded = () => {
        for (const store of ['records', 'outbox', 'meta']) req.result.createObjectStore(store)
      }
      req.onerror = () => reject(req.error)
      req.onsuccess = () => {
        const tx = req.result.transaction('records', 'readwrite')
        for (const { collection, record } of rows)
          tx.objectStore('records').put(record, [collection, (record as { id: string }).id])
        tx.oncomplete = () => {
          req.result.close()
          resolve()
        }
      }
    })
    const store = new IndexedDbRecordStore({ name: dbName })
    const out: Record<string, string[]> = {}
    for (const c of new Set(rows.map((r) => r.collection)))
      out[c] = (await store.load(c)).records.map((r) => r.id).sort()
    store.close()
    return out
  },
  async pageOverV2(dbName) {
    const stamp = (wall: number) => ({ wall, counter: 0, node: 'n' })
    const rec = (id: string, title: string, wall: number) => ({
      id,
      fields: { title: { value: title, stamp: stamp(wall) } },
    })
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(dbName, 2)
      req.onupgradeneeded = () => {
        req.result
          .createObjectStore('chunks', { keyPath: 'key', autoIncrement: true })
          .createIndex('collection', ['collection', 'key'])
        for (const store of ['outbox', 'meta']) req.result.createObjectStore(store)
      }
      req.onerror = () => reject(req.error)
      req.onsuccess = () => {
        const tx = req.result.transaction('chunks', 'readwrite')
        const json = JSON.stringify([rec('a', 'old a', 5), rec('b', 'old b', 1)])
        tx.objectStore('chunks').add({ collection: 'c', kind: 'merge', json })
        tx.oncomplete = () => {
          req.result.close()
          resolve()
        }
      }
    })
    const store = new IndexedDbRecordStore({ name: dbName })
    const changes = [rec('a', 'page a', 4), rec('b', 'page b', 2), rec('c', 'page c', 1)]
    const json = JSON.stringify({ changes, token: 'tok', reset: false, more: false })
    await store.apply('c', { page: { json, changes }, token: 'tok' })
    store.close()
    const reopened = new IndexedDbRecordStore({ name: dbName })
    const loaded = await reopened.load('c')
    reopened.close()
    const titles = Object.fromEntries(loaded.records.map((r) => [r.id, String(r.fields.title?.value)]))
    return { titles, token: loaded.token }
  },
  async stored(name, id) {
    const probe = new IndexedDbRecordStore({ name: `tandem-records:${relay}` })
    const record = (await probe.load(name)).records.find((r) => r.id === id)
    probe.close()
    return record ? (recordValues(record) ?? null) : null
  },
  async corrupt(name, id, field, value) {
    // Through the store's own format, stamps kept: no pull or merge will ever fix it.
    const probe = new IndexedDbRecordStore({ name: `tandem-records:${relay}` })
    const record = (await probe.load(name)).records.find((r) => r.id === id)
    if (!record) throw new Error(`no stored record ${id}`)
    const stamped = record.fields[field]
    if (!stamped) throw new Error(`record ${id} has no field ${field}`)
    await probe.apply(name, { replace: [{ ...record, fields: { ...record.fields, [field]: { ...stamped, value } } }] })
    probe.close()
  },
}

declare global {
  interface Window {
    recordsHarness: RecordsHarness
  }
}

window.recordsHarness = harness
