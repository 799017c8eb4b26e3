import type { DocStore } from '@tandem/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asArrays, bytes } from './storageBytes.ts'

/** How the suite gets a device document store (a @tandem/client DocStore). */
export interface DocStoreHarness {
  /**
   * Opens a store on this harness's backing store; called again after `close` to reopen it (an
   * in-memory store may hand back the same instance: it never closes for real).
   */
  open(): Promise<DocStore>
  /** Deletes the backing store; every store is closed by then. */
  destroy(): Promise<void>
}

const sorted = (updates: Uint8Array[]) => asArrays(updates).sort((x, y) => x.join().localeCompare(y.join()))
/**
 * Everything a load gives back: a store may keep the compacted snapshot apart from its entries
 * (`snapshot`) or as one more entry; the document is the same either way.
 */
const everything = (loaded: Awaited<ReturnType<DocStore['load']>>): Uint8Array[] => {
  const snapshot = (loaded as { snapshot?: Uint8Array | null }).snapshot
  return snapshot ? [snapshot, ...loaded.updates] : loaded.updates
}

/**
 * The acceptance suite of the device's document store: what `append` resolved is what `load`
 * returns, bytes exact and in commit order, per document; `compact` swaps exactly the entries it
 * names for one snapshot, whatever was appended since stays; everything survives a reopen.
 */
export function describeDocStore(name: string, createHarness: () => Promise<DocStoreHarness>): void {
  describe(`DocStore acceptance: ${name}`, () => {
    let harness: DocStoreHarness
    let store: DocStore
    const opened: DocStore[] = []
    const open = async () => {
      store = await harness.open()
      opened.push(store)
      return store
    }

    beforeEach(async () => {
      harness = await createHarness()
      await open()
    })
    afterEach(async () => {
      for (const s of new Set(opened.splice(0))) s.close()
      await harness.destroy()
    })

    it('loads an unknown document as empty', async () => {
      const loaded = await store.load('never-written')
      expect(everything(loaded)).toEqual([])
      expect(loaded.keys).toEqual([])
    })

    it('returns appended updates in commit order, bytes exact, each document apart', async () => {
      await store.append('a', [bytes('a1'), bytes('a2', 3)])
      await store.append('b', [bytes('b1', 100)])
      await store.append('a', [bytes('a3', 2000)])
      const a = await store.load('a')
      expect(asArrays(a.updates)).toEqual(asArrays([bytes('a1'), bytes('a2', 3), bytes('a3', 2000)]))
      expect(new Set(a.keys).size).toBe(3)
      expect(asArrays((await store.load('b')).updates)).toEqual(asArrays([bytes('b1', 100)]))
    })

    it('compacts exactly the loaded entries into the snapshot, keeping later ones and other documents', async () => {
      await store.append('d', [bytes('d1'), bytes('d2')])
      await store.append('other', [bytes('o1')])
      const loaded = await store.load('d')
      // Written between the load and the compaction, as another tab would.
      await store.append('d', [bytes('d3')])
      await store.compact('d', bytes('snap'), loaded.keys)
      const after = await store.load('d')
      // Yjs updates commute: where the snapshot sorts among the survivors is the store's business.
      expect(sorted(everything(after))).toEqual(sorted([bytes('snap'), bytes('d3')]))
      expect(after.keys).toHaveLength(after.updates.length)
      expect(asArrays(everything(await store.load('other')))).toEqual(asArrays([bytes('o1')]))
      const again = await store.load('d')
      await store.compact('d', bytes('snap2'), again.keys)
      expect(asArrays(everything(await store.load('d')))).toEqual(asArrays([bytes('snap2')]))
    })

    it('keeps everything across close and reopen', async () => {
      await store.append('p', [bytes('p1'), bytes('p2')])
      await store.compact('p', bytes('psnap'), (await store.load('p')).keys)
      await store.append('p', [bytes('p3')])
      const before = await store.load('p')
      store.close()
      const reopened = await open()
      const after = await reopened.load('p')
      expect(sorted(everything(after))).toEqual(sorted(everything(before)))
      await reopened.append('p', [bytes('p4')])
      expect(everything(await reopened.load('p'))).toHaveLength(3)
    })

    it('keeps concurrent appends to one document, each batch in its order', async () => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.append('cc', [bytes(`cc${i}-1`), bytes(`cc${i}-2`)])),
      )
      const got = asArrays((await store.load('cc')).updates).map((u) => u.join())
      expect(got).toHaveLength(20)
      for (let i = 0; i < 10; i++) {
        const first = got.indexOf(asArrays([bytes(`cc${i}-1`)])[0]!.join())
        const second = got.indexOf(asArrays([bytes(`cc${i}-2`)])[0]!.join())
        expect(first).toBeGreaterThanOrEqual(0)
        expect(second).toBeGreaterThan(first)
      }
    })
  })
}
