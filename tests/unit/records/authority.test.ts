import { applyMutation, checkAuthority, type HlcStamp, type LwwRecord, type Mutation } from '@tandem/records'
import { describe, expect, it } from 'vitest'

const s = (wall: number, node = 'server'): HlcStamp => ({ wall, counter: 0, node })
const current: LwwRecord = {
  id: 't',
  fields: { title: { value: 'Plan', stamp: s(10, 'alice') }, status: { value: 'todo', stamp: s(11, 'bob') } },
}
const set = (
  fields: Record<string, unknown>,
  base?: Record<string, HlcStamp | null>,
  restore?: HlcStamp,
): Mutation => ({
  id: 'm',
  collection: 'tasks',
  recordId: 't',
  op: 'set',
  fields: Object.fromEntries(
    Object.entries(fields).map(([k, value]) => [k, { value: value as string, stamp: s(20, 'carol') }]),
  ),
  ...(base ? { base } : {}),
  ...(restore ? { restore } : {}),
})

describe('checkAuthority', () => {
  it('accepts a write whose base versions match the server', () => {
    const decision = checkAuthority(
      current,
      set({ title: 'Plan B', note: 'new' }, { title: s(10, 'alice'), note: null }),
    )
    expect(decision).toEqual({ accepted: true, acceptedFields: ['note', 'title'] })
  })

  it('rejects a stale field as a conflict and returns the current value for rollback', () => {
    const decision = checkAuthority(
      current,
      set({ title: 'Plan B', status: 'done' }, { title: s(10, 'alice'), status: s(5, 'carol') }),
    )
    expect(decision).toEqual({
      accepted: false,
      reason: 'conflict',
      acceptedFields: ['title'],
      conflicts: [{ field: 'status', base: s(5, 'carol'), current: { value: 'todo', stamp: s(11, 'bob') } }],
    })
  })

  it('treats a missing base as "field was absent": creating is fine, blind overwrites are not', () => {
    expect(checkAuthority(current, set({ note: 'x' })).accepted).toBe(true)
    const blind = checkAuthority(current, set({ title: 'x' }))
    expect(blind.accepted).toBe(false)
    if (!blind.accepted) expect(blind.conflicts[0]!.current?.value).toBe('Plan')
  })

  it('rejects a field created on the server meanwhile, and accepts anything on a new record', () => {
    const fresh = checkAuthority(current, set({ priority: 'high' }, { priority: s(9) }))
    expect(fresh.accepted).toBe(false)
    expect(checkAuthority(undefined, set({ title: 'x' }, { title: null })).accepted).toBe(true)
    expect(checkAuthority(undefined, set({ title: 'x' }, { title: s(1) })).accepted).toBe(false)
  })

  it('refuses writes to a record deleted on the server unless they restore it', () => {
    const deleted = applyMutation(current, {
      id: 'd',
      collection: 'tasks',
      recordId: 't',
      op: 'delete',
      stamp: s(15),
    }).record
    const write = checkAuthority(deleted, set({ note: 'x' }, { note: null }))
    expect(write).toMatchObject({ accepted: false, reason: 'conflict', deleted: s(15) })
    expect(checkAuthority(deleted, set({ note: 'x' }, { note: null }, s(20, 'carol'))).accepted).toBe(true)
  })

  it('checks a delete against the bases it carries', () => {
    const del = (base?: Record<string, HlcStamp | null>): Mutation => ({
      id: 'd',
      collection: 'tasks',
      recordId: 't',
      op: 'delete',
      stamp: s(30),
      ...(base ? { base } : {}),
    })
    expect(checkAuthority(current, del()).accepted).toBe(true)
    expect(checkAuthority(current, del({ title: s(10, 'alice') })).accepted).toBe(true)
    expect(checkAuthority(current, del({ title: s(9, 'alice') })).accepted).toBe(false)
  })
})
