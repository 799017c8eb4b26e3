import { expect, it } from 'vitest'
import type { StorageCaseContext } from './StorageCaseContext.ts'
import { bytes } from './storageBytes.ts'

/** Acceptance cases for what operators need: tombstones, restore, and the document listing. */
export function storageAdminCases({ storage: current, reopen }: StorageCaseContext): void {
  it('answers a ping without creating a document', async () => {
    await current().ping()
    expect(await current().list()).toEqual([])
    expect(await current().describe()).toEqual([])
  })

  it('leaves a tombstone on remove that survives a reopen, and restore clears it', async () => {
    await current().append([{ doc: 'gone', update: bytes('g1') }])
    expect((await current().load('gone')).deletedAt).toBeUndefined()
    const before = Date.now()
    await current().remove('gone')
    const removed = await current().load('gone')
    expect(removed.updates).toEqual([])
    expect(removed.snapshot).toBeNull()
    expect(removed.deletedAt).toBeGreaterThanOrEqual(before - 1000)
    const reopened = await reopen()
    expect((await reopened.load('gone')).deletedAt).toBe(removed.deletedAt)
    await reopened.restore('gone')
    expect((await reopened.load('gone')).deletedAt).toBeUndefined()
  })

  it('describes every document with its size, pending log and last change', async () => {
    const before = Date.now()
    await current().append([
      { doc: 'a', update: bytes('a1') },
      { doc: 'a', update: bytes('a22') },
      { doc: 'b', update: bytes('b1') },
    ])
    const a = await current().load('a')
    await current().compact('a', bytes('snapA'), a.head)
    await current().append([{ doc: 'a', update: bytes('a333') }])
    await current().remove('b')
    const info = await current().describe()
    const byName = new Map(info.map((d) => [d.name, d]))
    expect(byName.get('a')).toMatchObject({ bytes: bytes('snapA').length + bytes('a333').length, updates: 1 })
    expect(byName.get('a')!.updatedAt).toBeGreaterThanOrEqual(before - 1000)
    expect(byName.get('b')).toMatchObject({ bytes: 0, updates: 0 })
    expect(byName.get('b')!.deletedAt).toBeGreaterThanOrEqual(before - 1000)
  })
}
