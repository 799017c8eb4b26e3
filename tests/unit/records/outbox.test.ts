import {
  acknowledgeMutations,
  applyMutation,
  coalesceMutations,
  EMPTY_OUTBOX,
  enqueueMutation,
  failBatch,
  type HlcStamp,
  type Mutation,
  RecordsError,
  rejectMutation,
  takeBatch,
} from '@tandem/records'
import { describe, expect, it } from 'vitest'

const s = (wall: number): HlcStamp => ({ wall, counter: 0, node: 'alice' })
const set = (
  id: string,
  recordId: string,
  fields: Record<string, [string, number]>,
  base?: Record<string, HlcStamp | null>,
): Mutation => ({
  id,
  collection: 'tasks',
  recordId,
  op: 'set',
  fields: Object.fromEntries(Object.entries(fields).map(([k, [value, wall]]) => [k, { value, stamp: s(wall) }])),
  ...(base ? { base } : {}),
})
const del = (id: string, recordId: string, wall: number): Mutation => ({
  id,
  collection: 'tasks',
  recordId,
  op: 'delete',
  stamp: s(wall),
})

describe('coalescing', () => {
  it('folds field writes to one record by LWW, keeping the earliest base and the earlier id', () => {
    const a = set('m1', 't', { title: ['a', 10], status: ['todo', 10] }, { title: s(1), status: s(1) })
    const b = set('m2', 't', { title: ['ab', 11], note: ['n', 11] }, { title: s(10), note: null })
    expect(coalesceMutations(a, b)).toEqual(
      set(
        'm1',
        't',
        { title: ['ab', 11], status: ['todo', 10], note: ['n', 11] },
        { title: s(1), status: s(1), note: null },
      ),
    )
  })

  it('never lets a later base (a local, unsent stamp) replace what the earlier write was based on', () => {
    const a = set('m1', 't', { title: ['a', 10] })
    const b = set('m2', 't', { title: ['ab', 11] }, { title: s(10) })
    expect(coalesceMutations(a, b)?.base).toEqual({})
  })

  it('is equivalent to applying both mutations', () => {
    const a = set('m1', 't', { title: ['a', 10], status: ['todo', 12] })
    const b = set('m2', 't', { title: ['b', 11], status: ['done', 11] })
    const both = applyMutation(applyMutation(undefined, a).record, b).record
    expect(applyMutation(undefined, coalesceMutations(a, b)!).record).toEqual(both)
  })

  it('never coalesces deletes or different records', () => {
    expect(coalesceMutations(set('m1', 't', { a: ['x', 1] }), del('m2', 't', 2))).toBeUndefined()
    expect(coalesceMutations(del('m1', 't', 1), set('m2', 't', { a: ['x', 2] }))).toBeUndefined()
    expect(coalesceMutations(set('m1', 't', { a: ['x', 1] }), set('m2', 'u', { a: ['x', 2] }))).toBeUndefined()
  })
})

describe('outbox', () => {
  it('coalesces into an unsent entry but never into one that was sent', () => {
    let box = enqueueMutation(EMPTY_OUTBOX, set('m1', 't', { title: ['a', 1] }))
    box = enqueueMutation(box, set('m2', 'u', { title: ['x', 2] }))
    box = enqueueMutation(box, set('m3', 't', { title: ['ab', 3] }))
    expect(box.entries.map((e) => e.mutation.id)).toEqual(['m1', 'm2'])
    const taken = takeBatch(box, 0, 1)
    expect(taken.batch.map((m) => m.id)).toEqual(['m1'])
    box = failBatch(taken.state, 0, { random: () => 0 })
    box = enqueueMutation(box, set('m4', 't', { title: ['abc', 4] }))
    expect(box.entries.map((e) => e.mutation.id)).toEqual(['m1', 'm2', 'm4'])
    expect(box.entries[0]!.mutation).toEqual(set('m1', 't', { title: ['ab', 3] }))
    expect(() => enqueueMutation(box, set('m4', 'v', { a: ['x', 5] }))).toThrow(RecordsError)
  })

  it('sends in order, one batch in flight at a time, and drops acknowledged mutations', () => {
    let box = EMPTY_OUTBOX
    for (let i = 0; i < 5; i++) box = enqueueMutation(box, set(`m${i}`, `r${i}`, { a: ['x', i] }))
    const first = takeBatch(box, 0, 3)
    expect(first.batch.map((m) => m.id)).toEqual(['m0', 'm1', 'm2'])
    expect(takeBatch(first.state, 0).batch).toEqual([])
    box = acknowledgeMutations(first.state, ['m0', 'm1', 'm2'])
    expect(takeBatch(box, 0).batch.map((m) => m.id)).toEqual(['m3', 'm4'])
  })

  it('backs off after transient failures and resets after success', () => {
    let box = enqueueMutation(EMPTY_OUTBOX, set('m1', 't', { a: ['x', 1] }))
    const delays: number[] = []
    for (let i = 0; i < 8; i++) {
      const { state } = takeBatch(box, box.retryAt, 10)
      box = failBatch(state, 1000, { random: () => 0.999 })
      delays.push(box.retryAt - 1000)
      expect(takeBatch(box, box.retryAt - 1).batch).toEqual([])
    }
    expect(delays).toEqual([499, 999, 1998, 3996, 7992, 15984, 29970, 29970])
    const { state } = takeBatch(box, box.retryAt)
    box = acknowledgeMutations(state, ['m1'])
    expect(box).toEqual(EMPTY_OUTBOX)
  })

  it('drops a permanently rejected mutation and returns it for rollback', () => {
    let box = enqueueMutation(EMPTY_OUTBOX, set('m1', 't', { a: ['x', 1] }))
    box = enqueueMutation(box, del('m2', 'u', 2))
    const { state } = takeBatch(box, 0)
    const rejected = rejectMutation(state, 'm1')
    expect(rejected.dropped?.mutation.id).toBe('m1')
    expect(rejected.state.entries.map((e) => e.mutation.id)).toEqual(['m2'])
    expect(rejectMutation(rejected.state, 'nope').dropped).toBeUndefined()
  })
})
