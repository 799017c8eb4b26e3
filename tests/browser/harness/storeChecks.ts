// Checks of IndexedDbDocStore itself, run in the page against real IndexedDB: the upgrade from
// the version-1 layout, and loads that start at the compaction floor without losing entries
// written between a load and the compaction that uses its keys (by another tab, say).
import { IndexedDbDocStore, type StoredUpdates } from '@tandem/client'
import * as Y from 'yjs'

const bytes = (...values: number[]) => new Uint8Array(values)
/** A load's content, snapshot included, as sortable strings. */
const dump = ({ snapshot, updates }: StoredUpdates) =>
  [...(snapshot ? [snapshot] : []), ...updates].map((u) => [...u].join('.')).sort()

/** Writes a database in the version-1 layout ('updates', out-of-line keys, index on doc). */
function writeV1(name: string, rows: { doc: string; update: Uint8Array }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1)
    req.onupgradeneeded = () =>
      req.result.createObjectStore('updates', { autoIncrement: true }).createIndex('doc', 'doc')
    req.onerror = () => reject(req.error)
    req.onsuccess = () => {
      const db = req.result
      const tx = db.transaction('updates', 'readwrite')
      for (const row of rows) tx.objectStore('updates').add(row)
      tx.oncomplete = () => {
        db.close()
        resolve()
      }
      tx.onerror = () => reject(tx.error)
    }
  })
}

export async function upgradeFromV1(name: string): Promise<{ a: string[]; b: string[] }> {
  await writeV1(name, [
    { doc: 'a', update: bytes(1) },
    { doc: 'b', update: bytes(2) },
    { doc: 'a', update: bytes(3) },
  ])
  const store = new IndexedDbDocStore({ name })
  const a = dump(await store.load('a'))
  const b = dump(await store.load('b'))
  store.close()
  return { a, b }
}

export async function compactionFloor(name: string): Promise<{ first: string[]; second: string[]; other: string[] }> {
  const tabA = new IndexedDbDocStore({ name })
  const tabB = new IndexedDbDocStore({ name })
  await tabA.append('doc', [bytes(1), bytes(2), bytes(3)])
  await tabA.append('other', [bytes(9)])
  const { keys } = await tabA.load('doc')
  // Written after A's load, before A's compaction: must survive it.
  await tabB.append('doc', [bytes(4)])
  await tabA.compact('doc', bytes(7), keys)
  await tabA.append('other', [bytes(8)])
  const first = dump(await tabB.load('doc'))
  const again = await tabA.load('doc')
  await tabA.compact('doc', bytes(6), again.keys)
  await tabB.append('doc', [bytes(5)])
  const second = dump(await tabB.load('doc'))
  const other = dump(await tabB.load('other'))
  tabA.close()
  tabB.close()
  return { first, second, other }
}

/**
 * Two tabs each fold entries the other never saw into the one snapshot: the second step must
 * keep the first one's content instead of replacing it.
 */
export async function snapshotsOfTwoTabs(name: string): Promise<string> {
  const [tabA, tabB] = [new IndexedDbDocStore({ name }), new IndexedDbDocStore({ name })]
  const [docA, docB] = [new Y.Doc(), new Y.Doc()]
  docA.getMap('m').set('a', 1)
  docB.getMap('m').set('b', 2)
  await tabA.load('doc')
  await tabB.load('doc')
  const [keyA] = await tabA.append('doc', [Y.encodeStateAsUpdate(docA)])
  const [keyB] = await tabB.append('doc', [Y.encodeStateAsUpdate(docB)])
  await tabA.compact('doc', Y.encodeStateAsUpdate(docA), [keyA!])
  await tabB.compact('doc', Y.encodeStateAsUpdate(docB), [keyB!])
  const { snapshot, updates } = await new IndexedDbDocStore({ name }).load('doc')
  const merged = new Y.Doc()
  for (const u of [snapshot!, ...updates]) Y.applyUpdate(merged, u)
  tabA.close()
  tabB.close()
  return JSON.stringify(merged.getMap('m').toJSON())
}

/**
 * A compaction step names entries that are not adjacent in the store (another tab's entry of
 * the document and another document's lie between them): only the named ones go, however the
 * store batches its deletes.
 */
export async function interleavedCompaction(name: string): Promise<{ doc: string[]; other: string[] }> {
  const [tabA, tabB] = [new IndexedDbDocStore({ name }), new IndexedDbDocStore({ name })]
  const first = await tabA.append('doc', [bytes(1), bytes(2)])
  await tabB.append('doc', [bytes(3)])
  await tabA.append('other', [bytes(4)])
  const last = await tabA.append('doc', [bytes(5)])
  await tabA.compact('doc', bytes(6), [...last, ...first])
  const doc = dump(await tabB.load('doc'))
  const other = dump(await tabB.load('other'))
  tabA.close()
  tabB.close()
  return { doc, other }
}
