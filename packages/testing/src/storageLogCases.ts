import type { AppendEntry } from '@tandem/server'
import { expect, it } from 'vitest'
import type { StorageCaseContext } from './StorageCaseContext.ts'
import { asArrays, bytes, total } from './storageBytes.ts'

/** Acceptance cases about the log: append, load, compact, remove, list. */
export function storageLogCases({ storage: current }: StorageCaseContext): void {
  it('loads an unknown document as empty, without creating it', async () => {
    const doc = await current().load('never-written')
    expect(doc).toEqual({ snapshot: null, updates: [], head: 0, logBytes: 0 })
    expect(await current().list()).not.toContain('never-written')
  })

  it('returns appended updates in commit order with head and logBytes', async () => {
    const u = [bytes('a1'), bytes('a2', 3), bytes('a3', 200)]
    await current().append([{ doc: 'a', update: u[0]! }])
    const first = await current().load('a')
    await current().append([
      { doc: 'a', update: u[1]! },
      { doc: 'a', update: u[2]! },
    ])
    const loaded = await current().load('a')
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
    await current().append(entries)
    for (let d = 0; d < 3; d++) {
      const expected = entries.filter((e) => e.doc === `doc-${d}`).map((e) => e.update)
      expect(asArrays((await current().load(`doc-${d}`)).updates)).toEqual(asArrays(expected))
    }
  })

  it('stores nothing of an append that fails part-way', async () => {
    await current().append([{ doc: 'x', update: bytes('before') }])
    const bad = [
      { doc: 'x', update: bytes('x-ok') },
      { doc: 'y', update: bytes('y-ok') },
      // not bytes: the adapter must reject, and the valid entries before it must roll back
      { doc: 'y', update: null as unknown as Uint8Array },
      { doc: 'z', update: bytes('z-ok') },
    ]
    await expect(current().append(bad)).rejects.toBeDefined()
    expect(asArrays((await current().load('x')).updates)).toEqual(asArrays([bytes('before')]))
    expect((await current().load('y')).updates).toEqual([])
    expect((await current().load('z')).updates).toEqual([])
    // and the adapter still works afterwards
    await current().append([{ doc: 'y', update: bytes('after') }])
    expect((await current().load('y')).updates).toHaveLength(1)
  })

  it('compacts atomically, keeping log entries appended after the load', async () => {
    await current().append([
      { doc: 'c', update: bytes('c1') },
      { doc: 'c', update: bytes('c2') },
      { doc: 'other', update: bytes('o1') },
    ])
    const seen = await current().load('c')
    await current().append([{ doc: 'c', update: bytes('c3') }])
    await current().compact('c', bytes('snap-1', 40), seen.head)
    const after = await current().load('c')
    expect(Array.from(after.snapshot ?? [])).toEqual(Array.from(bytes('snap-1', 40)))
    expect(asArrays(after.updates)).toEqual(asArrays([bytes('c3')]))
    expect(after.logBytes).toBe(bytes('c3').byteLength)
    expect(asArrays((await current().load('other')).updates)).toEqual(asArrays([bytes('o1')]))

    await current().compact('c', bytes('snap-2', 50), after.head)
    const empty = await current().load('c')
    expect(Array.from(empty.snapshot ?? [])).toEqual(Array.from(bytes('snap-2', 50)))
    // the position does not go back when the log is empty: it is the snapshot's
    expect(empty).toMatchObject({ updates: [], head: after.head, logBytes: 0 })

    // a stale upTo (from a load before the latest appends) must not delete newer entries,
    // nor replace the newer snapshot (it would drop what that snapshot folded in)
    await current().append([{ doc: 'c', update: bytes('c4') }])
    await current().compact('c', bytes('snap-3', 60), seen.head)
    const fenced = await current().load('c')
    expect(asArrays(fenced.updates)).toEqual(asArrays([bytes('c4')]))
    expect(Array.from(fenced.snapshot ?? [])).toEqual(Array.from(bytes('snap-2', 50)))
    // a snapshot made at the current position (a repair of what is stored) replaces it
    await current().compact('c', bytes('snap-4', 70), fenced.head)
    expect(await current().load('c')).toMatchObject({ updates: [], head: fenced.head })
    expect(Array.from((await current().load('c')).snapshot ?? [])).toEqual(Array.from(bytes('snap-4', 70)))
  })

  it('removes a document with its snapshot and log, and lists the others', async () => {
    await current().append([
      { doc: 'keep', update: bytes('k') },
      { doc: 'gone', update: bytes('g1') },
    ])
    const gone = await current().load('gone')
    await current().compact('gone', bytes('gsnap'), gone.head)
    await current().append([{ doc: 'gone', update: bytes('g2') }])
    await current().remove('gone')
    expect(await current().load('gone')).toMatchObject({ snapshot: null, updates: [], head: 0, logBytes: 0 })
    expect(await current().list()).toEqual(['keep'])
    await current().remove('never-existed')
  })

  it('lists every stored document, names taken byte for byte', async () => {
    const names = ['plain', 'with/slash', 'with space', 'ünïcødé-📝', 'quote\'"', 'snapshot-only']
    await current().append(names.map((doc) => ({ doc, update: bytes(doc) })))
    const s = await current().load('snapshot-only')
    await current().compact('snapshot-only', bytes('snap'), s.head)
    expect((await current().list()).sort()).toEqual([...names].sort())
    for (const doc of names.slice(0, 5))
      expect(asArrays((await current().load(doc)).updates)).toEqual(asArrays([bytes(doc)]))
  })
}
