import { createTandem, IndexedDbDocStore, type Progress } from '@tandem/client'
import * as Y from 'yjs'
import { applyTxn, nextTask, type TraceTxn, textHash } from './applyTrace.ts'

/**
 * Types `trace` into a Tandem document with the server unreachable (`url` points at a closed
 * port), `batch` edits per task, each edit its own transaction; resolves once every edit is
 * committed in IndexedDB and the log compacted. Returns the text hash and entry count.
 */
export async function writeTandem(
  url: string,
  name: string,
  trace: TraceTxn[],
  batch: number,
): Promise<{ hash: string; entries: number }> {
  const tandem = createTandem({ url, crossTab: false })
  const handle = tandem.doc(name)
  await handle.whenLoaded()
  const text = handle.doc.getText('t')
  for (let i = 0; i < trace.length; i += batch) {
    for (const txn of trace.slice(i, i + batch)) applyTxn(handle.doc, text, txn)
    await nextTask()
  }
  const deadline = Date.now() + 300_000
  await handle.watermarks.when((p) => p.stored === p.last || Date.now() > deadline)
  if (handle.progress().stored !== handle.progress().last) throw new Error('Tandem: not all edits stored in time')
  // The client compacts its log in the background while writing: let it finish.
  await handle.whenStoreIdle()
  const hash = textHash(text.toString())
  tandem.destroy()
  let entries = Number.POSITIVE_INFINITY
  let unchanged = 0
  while (unchanged < 4 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const probe = new IndexedDbDocStore({ name: `tandem:${url}` })
    const loaded = await probe.load(name)
    const n = loaded.keys.length + (loaded.snapshot ? 1 : 0)
    probe.close()
    unchanged = n === entries ? unchanged + 1 : 0
    entries = n
  }
  return { hash, entries }
}

/**
 * Types `trace` as `writeTandem` does, then returns at once: the caller reloads the page (the
 * tab is closed) with writes and compaction wherever they were.
 */
export async function typeTandemAndLeave(url: string, name: string, trace: TraceTxn[], batch: number): Promise<string> {
  const tandem = createTandem({ url, crossTab: false })
  const handle = tandem.doc(name)
  await handle.whenLoaded()
  const text = handle.doc.getText('t')
  for (let i = 0; i < trace.length; i += batch) {
    for (const txn of trace.slice(i, i + batch)) applyTxn(handle.doc, text, txn)
    await nextTask()
  }
  return textHash(text.toString())
}

/** How many entries (and whether a snapshot) an open of `name` reads now. */
export async function storedEntries(url: string, name: string): Promise<{ entries: number; snapshot: boolean }> {
  const probe = new IndexedDbDocStore({ name: `tandem:${url}` })
  const loaded = await probe.load(name)
  probe.close()
  return { entries: loaded.updates.length, snapshot: loaded.snapshot !== null }
}

/** Time from createTandem() until the document is loaded from IndexedDB (fresh page). */
export async function loadTandem(url: string, name: string): Promise<{ ms: number; hash: string }> {
  const t0 = performance.now()
  const tandem = createTandem({ url, crossTab: false })
  const handle = tandem.doc(name)
  await handle.whenLoaded()
  const ms = performance.now() - t0
  const hash = textHash(handle.doc.getText('t').toString())
  tandem.destroy()
  return { ms, hash }
}

export interface KeystrokeTimes {
  stored: number[]
  acked: number[]
}

/**
 * Replays `trace` as keystrokes into a connected Tandem document, `gapMs` apart, and times
 * each keystroke until committed in IndexedDB and until acked by the server (from the
 * client's `watermarks`).
 */
export async function replayTandem(
  url: string,
  name: string,
  trace: TraceTxn[],
  gapMs: number,
): Promise<KeystrokeTimes> {
  const tandem = createTandem({ url })
  const handle = tandem.doc(name)
  await handle.whenLoaded()
  await handle.whenSaved()
  // Typing starts once the document is open and its first check-in is done (a one-time cost).
  const checkedIn = Date.now() + 5_000
  while (handle.checkIns.length === 0 && Date.now() < checkedIn) await new Promise((resolve) => setTimeout(resolve, 10))
  const text = handle.doc.getText('t')
  const base = handle.progress().last
  const typedAt: number[] = []
  const stored: number[] = []
  const acked: number[] = []
  const stop = handle.watermarks.subscribe((p: Progress) => {
    const now = performance.now()
    for (let s = base + stored.length + 1; s <= p.stored && s - base <= typedAt.length; s++)
      stored.push(now - typedAt[s - base - 1]!)
    for (let s = base + acked.length + 1; s <= p.acked && s - base <= typedAt.length; s++)
      acked.push(now - typedAt[s - base - 1]!)
  })
  for (const txn of trace) {
    typedAt.push(performance.now())
    applyTxn(handle.doc, text, txn)
    await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  const deadline = Date.now() + 30_000
  while ((stored.length < trace.length || acked.length < trace.length) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  stop()
  tandem.destroy()
  return { stored, acked }
}

/**
 * Where a Tandem open spends its time in IndexedDB: opening the database, reading the
 * document's entries through the [doc, id] index from id 0 (stepping over every entry
 * compaction deleted, as the version-1 store did) and from the store's floor (as it does now),
 * and applying them to a fresh Y.Doc.
 */
const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })

export async function profileIdbRead(dbName: string, doc: string): Promise<Record<string, number>> {
  const t0 = performance.now()
  const db = await req(indexedDB.open(dbName))
  const t1 = performance.now()
  const range = (from: number) => IDBKeyRange.bound([doc, from], [doc, Number.POSITIVE_INFINITY])
  const fromZero = db.transaction('log', 'readonly').objectStore('log').index('doc')
  await req(fromZero.getAll(range(0)))
  const t2 = performance.now()
  const tx = db.transaction(['log', 'floors', 'snapshots'], 'readonly')
  const snapshot = req(tx.objectStore('snapshots').get(doc)) as Promise<{ update: Uint8Array } | undefined>
  const floor = ((await req(tx.objectStore('floors').get(doc))) as number | undefined) ?? 0
  const rows = (await req(tx.objectStore('log').index('doc').getAll(range(floor)))) as { update: Uint8Array }[]
  const base = await snapshot
  const t3 = performance.now()
  db.close()
  const updates = [...(base ? [base.update] : []), ...rows.map((r) => r.update)]
  const target = new Y.Doc()
  target.transact(() => {
    for (const u of updates) Y.applyUpdate(target, u)
  })
  const t4 = performance.now()
  return { entries: updates.length, openMs: t1 - t0, fromZeroMs: t2 - t1, fromFloorMs: t3 - t2, applyMs: t4 - t3 }
}
