// Checks of IndexedDbStore itself, run in the page against real IndexedDB: the upgrade from
// the version-1 layout, and loads that start at the compaction floor without losing entries
// written between a load and the compaction that uses its keys (by another tab, say).
import { IndexedDbStore } from '@tandem/client'

const bytes = (...values: number[]) => new Uint8Array(values)
const dump = (updates: Uint8Array[]) => updates.map((u) => [...u].join('.')).sort()

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
  const store = new IndexedDbStore({ name })
  const a = dump((await store.load('a')).updates)
  const b = dump((await store.load('b')).updates)
  store.close()
  return { a, b }
}

export async function compactionFloor(name: string): Promise<{ first: string[]; second: string[]; other: string[] }> {
  const tabA = new IndexedDbStore({ name })
  const tabB = new IndexedDbStore({ name })
  await tabA.append('doc', [bytes(1), bytes(2), bytes(3)])
  await tabA.append('other', [bytes(9)])
  const { keys } = await tabA.load('doc')
  // Written after A's load, before A's compaction: must survive it.
  await tabB.append('doc', [bytes(4)])
  await tabA.compact('doc', bytes(7), keys)
  await tabA.append('other', [bytes(8)])
  const first = dump((await tabB.load('doc')).updates)
  const again = await tabA.load('doc')
  await tabA.compact('doc', bytes(6), again.keys)
  await tabB.append('doc', [bytes(5)])
  const second = dump((await tabB.load('doc')).updates)
  const other = dump((await tabB.load('other')).updates)
  tabA.close()
  tabB.close()
  return { first, second, other }
}
