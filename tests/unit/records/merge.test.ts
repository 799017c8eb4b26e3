import {
  type HlcStamp,
  isDeleted,
  type LwwRecord,
  mergeAll,
  mergeRecords,
  RecordsError,
  recordValues,
} from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { recordArb } from './arbitraries.ts'

const s = (wall: number, node = 'alice', counter = 0): HlcStamp => ({ wall, counter, node })
const merge = (a: LwwRecord, b: LwwRecord) => mergeRecords(a, b).record

describe('mergeRecords laws', () => {
  it('is commutative, including the conflicts it reports', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const ab = mergeRecords(a, b)
        const ba = mergeRecords(b, a)
        expect(ab.record).toEqual(ba.record)
        expect(ab.conflicts).toEqual(ba.conflicts)
      }),
      { numRuns: 500 },
    )
  })

  it('is associative', () => {
    fc.assert(
      fc.property(recordArb, recordArb, recordArb, (a, b, c) => {
        expect(merge(merge(a, b), c)).toEqual(merge(a, merge(b, c)))
      }),
      { numRuns: 500 },
    )
  })

  it('is idempotent: merging a state into itself or re-merging an input changes nothing', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const ab = merge(a, b)
        expect(merge(ab, ab)).toEqual(ab)
        expect(merge(ab, b)).toEqual(ab)
        expect(merge(ab, a)).toEqual(ab)
        expect(mergeRecords(ab, ab).conflicts).toEqual([])
      }),
      { numRuns: 500 },
    )
  })

  it('keeps, for every field, the value with the greatest stamp of any input', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), (records) => {
        const merged = mergeAll(records)
        const deletedWall = merged.deleted
        for (const name of Object.keys(merged.fields)) {
          const stamps = records.flatMap((r) => (Object.hasOwn(r.fields, name) ? [r.fields[name]!.stamp] : []))
          const best = stamps.reduce((x, y) => (key(y) > key(x) ? y : x))
          expect(merged.fields[name]!.stamp).toEqual(best)
          if (deletedWall) expect(key(best) > key(deletedWall)).toBe(true)
        }
      }),
    )
  })
})

describe('field-level last writer wins', () => {
  it('keeps concurrent edits to different fields', () => {
    const a: LwwRecord = { id: 't', fields: { title: { value: 'Buy milk', stamp: s(10, 'alice') } } }
    const b: LwwRecord = { id: 't', fields: { status: { value: 'done', stamp: s(11, 'bob') } } }
    const { record, conflicts } = mergeRecords(a, b)
    expect(recordValues(record)).toEqual({ title: 'Buy milk', status: 'done' })
    expect(conflicts).toEqual([])
  })

  it('lets the greater stamp win and breaks exact ties by node id', () => {
    const older = { id: 't', fields: { title: { value: 'old', stamp: s(10, 'zed', 5) } } }
    const newer = { id: 't', fields: { title: { value: 'new', stamp: s(11, 'alice', 0) } } }
    expect(recordValues(merge(older, newer))).toEqual({ title: 'new' })
    const byAlice = { id: 't', fields: { title: { value: 'A', stamp: s(10, 'alice', 1) } } }
    const byBob = { id: 't', fields: { title: { value: 'B', stamp: s(10, 'bob', 1) } } }
    expect(recordValues(merge(byAlice, byBob))).toEqual({ title: 'B' })
    expect(recordValues(merge(byBob, byAlice))).toEqual({ title: 'B' })
  })

  it('reports an overwritten concurrent value with both values, stamps and authors', () => {
    const mine = { id: 't', fields: { title: { value: 'Mine', stamp: s(10, 'alice') } } }
    const theirs = { id: 't', fields: { title: { value: 'Theirs', stamp: s(12, 'bob') } } }
    expect(mergeRecords(mine, theirs).conflicts).toEqual([
      {
        recordId: 't',
        field: 'title',
        winner: { value: 'Theirs', stamp: s(12, 'bob'), author: 'bob' },
        loser: { value: 'Mine', stamp: s(10, 'alice'), author: 'alice' },
      },
    ])
  })

  it('does not report a conflict for one author overwriting itself or for equal values', () => {
    const v1 = { id: 't', fields: { title: { value: 'x', stamp: s(10, 'alice') } } }
    const v2 = { id: 't', fields: { title: { value: 'y', stamp: s(11, 'alice') } } }
    const same = { id: 't', fields: { title: { value: 'x', stamp: s(12, 'bob') } } }
    expect(mergeRecords(v1, v2).conflicts).toEqual([])
    expect(mergeRecords(v1, same).conflicts).toEqual([])
  })

  it('treats field names like "constructor" and "toString" as ordinary fields', () => {
    const a = { id: 't', fields: { constructor: { value: 1, stamp: s(10) } } }
    const b = { id: 't', fields: { toString: { value: 2, stamp: s(11) } } }
    expect(recordValues(merge(a, b))).toEqual({ constructor: 1, toString: 2 })
  })

  it('refuses to merge different records', () => {
    expect(() => mergeRecords({ id: 'a', fields: {} }, { id: 'b', fields: {} })).toThrow(RecordsError)
  })
})

describe('tombstones', () => {
  const alive: LwwRecord = {
    id: 't',
    fields: { title: { value: 'T', stamp: s(10, 'alice') }, status: { value: 'todo', stamp: s(10, 'alice') } },
  }

  it('a delete hides the record and drops the fields written before it', () => {
    const deleted = merge(alive, { id: 't', fields: {}, deleted: s(20, 'bob') })
    expect(isDeleted(deleted)).toBe(true)
    expect(recordValues(deleted)).toBeUndefined()
    expect(deleted.fields).toEqual({})
  })

  it('a later ordinary write does not resurrect the record', () => {
    const deleted = merge(alive, { id: 't', fields: {}, deleted: s(20, 'bob') })
    const written = merge(deleted, { id: 't', fields: { status: { value: 'done', stamp: s(30, 'alice') } } })
    expect(isDeleted(written)).toBe(true)
    expect(recordValues(written)).toBeUndefined()
  })

  it('an explicit restore after the delete brings back only fields written after the delete', () => {
    const deleted = merge(alive, { id: 't', fields: {}, deleted: s(20, 'bob') })
    const written = merge(deleted, { id: 't', fields: { status: { value: 'done', stamp: s(30, 'alice') } } })
    const restored = merge(written, { id: 't', fields: { title: { value: 'T2', stamp: s(40) } }, restored: s(40) })
    expect(isDeleted(restored)).toBe(false)
    expect(recordValues(restored)).toEqual({ status: 'done', title: 'T2' })
  })

  it('a restore older than the delete does nothing, and a newer delete wins over a restore', () => {
    const staleRestore = merge(
      { id: 't', fields: {}, deleted: s(20, 'bob') },
      { id: 't', fields: { title: { value: 'x', stamp: s(15) } }, restored: s(15) },
    )
    expect(isDeleted(staleRestore)).toBe(true)
    const deletedAgain = merge(merge(alive, { id: 't', fields: {}, restored: s(30) }), {
      id: 't',
      fields: {},
      deleted: s(31, 'bob'),
    })
    expect(isDeleted(deletedAgain)).toBe(true)
  })
})

function key(stamp: HlcStamp): string {
  return `${String(stamp.wall).padStart(16, '0')}:${String(stamp.counter).padStart(6, '0')}:${stamp.node}`
}
