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
  /** The record as stored in IndexedDB now (from a second connection), as plain values. */
  stored(collection: string, id: string): Promise<RecordValues | null>
}

const relay = new URLSearchParams(location.search).get('relay') ?? ''
let tandem: Tandem | null = null
let collection: RecordCollection | null = null
const rejected: string[] = []
const checkIns: { equal: boolean; repaired: string[]; bytes: number }[] = []

function idb<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}
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
  async stored(name, id) {
    const probe = new IndexedDbRecordStore({ name: `tandem-records:${relay}` })
    const record = (await probe.load(name)).records.find((r) => r.id === id)
    probe.close()
    return record ? (recordValues(record) ?? null) : null
  },
  async corrupt(name, id, field, value) {
    const db = await idb(indexedDB.open(`tandem-records:${relay}`))
    const store = db.transaction('records', 'readwrite').objectStore('records')
    const record = await idb(store.get([name, id]))
    record.fields[field].value = value
    await idb(store.put(record, [name, id]))
    db.close()
  },
}

declare global {
  interface Window {
    recordsHarness: RecordsHarness
  }
}

window.recordsHarness = harness
