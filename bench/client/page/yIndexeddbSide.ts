import { IndexeddbPersistence, storeState } from 'y-indexeddb'
import * as Y from 'yjs'
import { applyTxn, nextTask, type TraceTxn, textHash } from './applyTrace.ts'

function countUpdates(name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name)
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      const req = db.transaction('updates', 'readonly').objectStore('updates').count()
      req.onsuccess = () => {
        db.close()
        resolve(req.result)
      }
      req.onerror = () => reject(req.error)
    }
  })
}

/**
 * Types `trace` into a Y.Doc with y-indexeddb attached, `batch` edits per task. y-indexeddb
 * trims its log 1 s after the last write once it holds 500 entries; the tab is "closed"
 * (persistence destroyed) right after the last batch, so the log stays as typed. Its writes
 * are fire-and-forget: completion is observed by counting entries from a second connection
 * (a read waits for the earlier write transactions). Returns the text hash and entry count.
 */
export async function writeYIndexeddb(
  name: string,
  trace: TraceTxn[],
  batch: number,
): Promise<{ hash: string; entries: number }> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, doc)
  await persistence.whenSynced
  const text = doc.getText('t')
  for (let i = 0; i < trace.length; i += batch) {
    for (const txn of trace.slice(i, i + batch)) applyTxn(doc, text, txn)
    await nextTask()
  }
  const hash = textHash(text.toString())
  await persistence.destroy()
  const entries = await countUpdates(name)
  doc.destroy()
  return { hash, entries }
}

/**
 * The same entries as `writeYIndexeddb` (one per edit, in order, in y-indexeddb's own
 * database layout), inserted 10,000 per IndexedDB transaction. For the full trace: typing
 * 259,778 edits through y-indexeddb, one transaction per edit, took over 15 minutes here.
 */
export async function writeYIndexeddbBulk(name: string, trace: TraceTxn[]): Promise<{ hash: string; entries: number }> {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const text = doc.getText('t')
  for (const txn of trace) applyTxn(doc, text, txn)
  const hash = textHash(text.toString())
  doc.destroy()
  // Let y-indexeddb create its database (and its first, empty entry) as it does on attach.
  const empty = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, empty)
  await persistence.whenSynced
  await persistence.destroy()
  empty.destroy()
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name)
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  for (let i = 0; i < updates.length; i += 10_000) {
    const tx = db.transaction('updates', 'readwrite')
    for (const u of updates.slice(i, i + 10_000)) tx.objectStore('updates').add(u)
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = tx.onabort = () => reject(tx.error)
    })
  }
  db.close()
  return { hash, entries: await countUpdates(name) }
}

/** y-indexeddb's own trim (what its 1 s debounce does): one entry with the whole state. */
export async function trimYIndexeddb(name: string): Promise<number> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, doc)
  await persistence.whenSynced
  await storeState(persistence, true)
  await persistence.destroy()
  doc.destroy()
  const deadline = Date.now() + 60_000
  let entries = await countUpdates(name)
  while (entries > 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    entries = await countUpdates(name)
  }
  return entries
}

/** Time from new IndexeddbPersistence() until `whenSynced` (fresh page). */
export async function loadYIndexeddb(name: string): Promise<{ ms: number; hash: string }> {
  const t0 = performance.now()
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(name, doc)
  await persistence.whenSynced
  const ms = performance.now() - t0
  const hash = textHash(doc.getText('t').toString())
  await persistence.destroy()
  doc.destroy()
  return { ms, hash }
}
