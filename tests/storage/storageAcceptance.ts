import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppendEntry, StorageAdapter } from '../../server/src/storage/StorageAdapter.ts'

/**
 * The one acceptance suite every StorageAdapter passes (SQLite now, PostgreSQL later). It
 * checks the contract in server/src/storage/StorageAdapter.ts over bytes only, so it does not
 * care how an adapter lays data out.
 */
export interface StorageHarness {
  /** Opens an adapter on this harness's backing store; called again after close to reopen it. */
  open(): Promise<StorageAdapter>
  /** Deletes the backing store; adapters are closed by then. */
  destroy(): Promise<void>
}

/** Distinct, recognisable bytes: a mix-up between entries shows in the diff. */
function bytes(label: string, size = 16): Uint8Array {
  const out = new Uint8Array(size)
  const tag = new TextEncoder().encode(label)
  for (let i = 0; i < size; i++) out[i] = tag[i % tag.length]! ^ (i >> 8)
  return out
}

const total = (updates: Uint8Array[]) => updates.reduce((n, u) => n + u.byteLength, 0)
const asArrays = (updates: Uint8Array[]) => updates.map((u) => Array.from(u))

export function describeStorageAdapter(name: string, createHarness: () => Promise<StorageHarness>): void {
  describe(`StorageAdapter acceptance: ${name}`, () => {
    let harness: StorageHarness
    let storage: StorageAdapter
    const open: StorageAdapter[] = []

    async function reopen(): Promise<StorageAdapter> {
      await storage.close()
      storage = await harness.open()
      open.push(storage)
      return storage
    }

    beforeEach(async () => {
      harness = await createHarness()
      storage = await harness.open()
      open.push(storage)
    })

    afterEach(async () => {
      // some were closed by the test already; a second close is not what this suite checks
      for (const s of open.splice(0)) await s.close().catch(() => {})
      await harness.destroy()
    })

    it('loads an unknown document as empty, without creating it', async () => {
      const doc = await storage.load('never-written')
      expect(doc).toEqual({ snapshot: null, updates: [], head: 0, logBytes: 0 })
      expect(await storage.list()).not.toContain('never-written')
    })

    it('returns appended updates in commit order with head and logBytes', async () => {
      const u = [bytes('a1'), bytes('a2', 3), bytes('a3', 200)]
      await storage.append([{ doc: 'a', update: u[0]! }])
      const first = await storage.load('a')
      await storage.append([
        { doc: 'a', update: u[1]! },
        { doc: 'a', update: u[2]! },
      ])
      const loaded = await storage.load('a')
      expect(asArrays(loaded.updates)).toEqual(asArrays(u))
      expect(loaded.snapshot).toBeNull()
      expect(loaded.logBytes).toBe(total(u))
      expect(first.head).toBeGreaterThan(0)
      // positions only grow: compact(upTo = an old head) must never reach a newer entry
      expect(loaded.head).toBeGreaterThan(first.head)
    })

    it('commits one append over many documents together, keeping per-document order', async () => {
      const entries: AppendEntry[] = []
      for (let i = 0; i < 30; i++) entries.push({ doc: `doc-${i % 3}`, update: bytes(`m${i}`) })
      await storage.append(entries)
      for (let d = 0; d < 3; d++) {
        const expected = entries.filter((e) => e.doc === `doc-${d}`).map((e) => e.update)
        expect(asArrays((await storage.load(`doc-${d}`)).updates)).toEqual(asArrays(expected))
      }
    })

    it('stores nothing of an append that fails part-way', async () => {
      await storage.append([{ doc: 'x', update: bytes('before') }])
      const bad = [
        { doc: 'x', update: bytes('x-ok') },
        { doc: 'y', update: bytes('y-ok') },
        // not bytes: the adapter must reject, and the valid entries before it must roll back
        { doc: 'y', update: null as unknown as Uint8Array },
        { doc: 'z', update: bytes('z-ok') },
      ]
      await expect(storage.append(bad)).rejects.toBeDefined()
      expect(asArrays((await storage.load('x')).updates)).toEqual(asArrays([bytes('before')]))
      expect((await storage.load('y')).updates).toEqual([])
      expect((await storage.load('z')).updates).toEqual([])
      // and the adapter still works afterwards
      await storage.append([{ doc: 'y', update: bytes('after') }])
      expect((await storage.load('y')).updates).toHaveLength(1)
    })

    it('compacts atomically, keeping log entries appended after the load', async () => {
      await storage.append([
        { doc: 'c', update: bytes('c1') },
        { doc: 'c', update: bytes('c2') },
        { doc: 'other', update: bytes('o1') },
      ])
      const seen = await storage.load('c')
      await storage.append([{ doc: 'c', update: bytes('c3') }])
      await storage.compact('c', bytes('snap-1', 40), seen.head)
      const after = await storage.load('c')
      expect(Array.from(after.snapshot ?? [])).toEqual(Array.from(bytes('snap-1', 40)))
      expect(asArrays(after.updates)).toEqual(asArrays([bytes('c3')]))
      expect(after.logBytes).toBe(bytes('c3').byteLength)
      expect(asArrays((await storage.load('other')).updates)).toEqual(asArrays([bytes('o1')]))

      await storage.compact('c', bytes('snap-2', 50), after.head)
      const empty = await storage.load('c')
      expect(Array.from(empty.snapshot ?? [])).toEqual(Array.from(bytes('snap-2', 50)))
      expect(empty).toMatchObject({ updates: [], head: 0, logBytes: 0 })

      // a stale upTo (from a load before the latest appends) must not delete newer entries
      await storage.append([{ doc: 'c', update: bytes('c4') }])
      await storage.compact('c', bytes('snap-3', 60), seen.head)
      expect(asArrays((await storage.load('c')).updates)).toEqual(asArrays([bytes('c4')]))
    })

    it('removes a document with its snapshot and log, and lists the others', async () => {
      await storage.append([
        { doc: 'keep', update: bytes('k') },
        { doc: 'gone', update: bytes('g1') },
      ])
      const gone = await storage.load('gone')
      await storage.compact('gone', bytes('gsnap'), gone.head)
      await storage.append([{ doc: 'gone', update: bytes('g2') }])
      await storage.remove('gone')
      expect(await storage.load('gone')).toEqual({ snapshot: null, updates: [], head: 0, logBytes: 0 })
      expect(await storage.list()).toEqual(['keep'])
      await storage.remove('never-existed')
    })

    it('lists every stored document, names taken byte for byte', async () => {
      const names = ['plain', 'with/slash', 'with space', 'ünïcødé-📝', "quote'\"", 'snapshot-only']
      await storage.append(names.map((doc) => ({ doc, update: bytes(doc) })))
      const s = await storage.load('snapshot-only')
      await storage.compact('snapshot-only', bytes('snap'), s.head)
      expect((await storage.list()).sort()).toEqual([...names].sort())
      for (const doc of names.slice(0, 5)) expect(asArrays((await storage.load(doc)).updates)).toEqual(asArrays([bytes(doc)]))
    })

    it('keeps everything across close and reopen', async () => {
      await storage.append([
        { doc: 'p', update: bytes('p1') },
        { doc: 'p', update: bytes('p2') },
      ])
      const before = await storage.load('p')
      await storage.compact('p', bytes('psnap'), before.head)
      await storage.append([{ doc: 'p', update: bytes('p3') }])
      const expected = await storage.load('p')
      const reopened = await reopen()
      const loaded = await reopened.load('p')
      expect(Array.from(loaded.snapshot ?? [])).toEqual(Array.from(bytes('psnap')))
      expect(asArrays(loaded.updates)).toEqual(asArrays([bytes('p3')]))
      expect(loaded.logBytes).toBe(expected.logBytes)
      // positions keep growing after a reopen too, or a stale compaction could eat new entries
      await reopened.append([{ doc: 'p', update: bytes('p4') }])
      expect((await reopened.load('p')).head).toBeGreaterThan(expected.head)
    })

    it('stores 1 MiB updates and snapshots byte for byte', async () => {
      const big = Array.from({ length: 3 }, (_, k) => {
        const u = new Uint8Array(1024 * 1024)
        for (let i = 0; i < u.length; i++) u[i] = (i * 31 + k * 7 + (i >> 11)) & 0xff
        return u
      })
      await storage.append(big.map((update) => ({ doc: 'big', update })))
      const loaded = await storage.load('big')
      expect(loaded.updates).toHaveLength(3)
      loaded.updates.forEach((u, k) => expect(Buffer.compare(Buffer.from(u), Buffer.from(big[k]!))).toBe(0))
      expect(loaded.logBytes).toBe(3 * 1024 * 1024)
      await storage.compact('big', big[2]!, loaded.head)
      const reopened = await reopen()
      const snap = (await reopened.load('big')).snapshot
      expect(snap && Buffer.compare(Buffer.from(snap), Buffer.from(big[2]!))).toBe(0)
    })

    it('commits concurrent appends completely, each call keeping its own order', async () => {
      const calls = Array.from({ length: 100 }, (_, i) =>
        storage.append([
          { doc: `cc-${i % 4}`, update: bytes(`cc${i}-first`) },
          { doc: `cc-${i % 4}`, update: bytes(`cc${i}-second`) },
        ]),
      )
      await Promise.all(calls)
      for (let d = 0; d < 4; d++) {
        const got = (await storage.load(`cc-${d}`)).updates.map((u) => Buffer.from(u).toString('latin1'))
        const mine = (i: number, part: string) => Buffer.from(bytes(`cc${i}-${part}`)).toString('latin1')
        const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 === d)
        expect(got).toHaveLength(expected.length * 2)
        for (const i of expected) {
          const first = got.indexOf(mine(i, 'first'))
          expect(first).toBeGreaterThanOrEqual(0)
          expect(got.indexOf(mine(i, 'second'))).toBeGreaterThan(first)
        }
      }
    })

    it('settles pending appends before close resolves, and keeps the resolved ones', async () => {
      let settled = 0
      let resolved = 0
      const pending = Array.from({ length: 20 }, (_, i) =>
        storage.append([{ doc: 'closing', update: bytes(`z${i}`) }]).then(
          () => {
            settled++
            resolved++
          },
          () => {
            settled++
          },
        ),
      )
      await storage.close()
      expect(settled).toBe(20)
      await Promise.all(pending)
      storage = await harness.open()
      open.push(storage)
      expect((await storage.load('closing')).updates.length).toBeGreaterThanOrEqual(resolved)
    })
  })
}
