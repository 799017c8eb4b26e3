import type { RecordStore, StoredOutboxEntry } from '@tandem/client'
import type { HlcStamp, LwwRecord } from '@tandem/records'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

/** How the suite gets a device record store (a @tandem/client RecordStore). */
export interface RecordStoreHarness {
  /** Opens a store on this harness's backing store; called again after `close` to reopen it. */
  open(): Promise<RecordStore>
  /** Deletes the backing store; every store is closed by then. */
  destroy(): Promise<void>
}

const stamp = (wall: number): HlcStamp => ({ wall, counter: 0, node: 'device' })
const record = (id: string, title: string, wall = 1): LwwRecord => ({
  id,
  fields: { title: { value: title, stamp: stamp(wall) } },
})
const pending = (id: string, order: number, recordId = 'r'): StoredOutboxEntry => ({
  order,
  entry: {
    mutation: { id, collection: 'c', recordId, op: 'set', fields: { title: { value: id, stamp: stamp(order) } } },
    sent: false,
    inFlight: false,
  },
})
const byId = (records: LwwRecord[]) => [...records].sort((a, b) => a.id.localeCompare(b.id))

/**
 * The acceptance suite of the device's record store: `apply` commits a batch (records, outbox,
 * token) as one unit and `load` gives it back, the outbox in `order`; collections are apart;
 * everything survives a reopen.
 */
export function describeRecordStore(name: string, createHarness: () => Promise<RecordStoreHarness>): void {
  describe(`RecordStore acceptance: ${name}`, () => {
    let harness: RecordStoreHarness
    let store: RecordStore
    const opened: RecordStore[] = []
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

    it('loads an unknown collection as empty, without a token', async () => {
      expect(await store.load('none')).toEqual({ records: [], outbox: [], token: null })
      expect(await store.loadOutbox('none')).toEqual([])
    })

    it('stores records, outbox and token of one batch together, each collection apart', async () => {
      await store.apply('c', {
        put: [record('a', 'A'), record('b', 'B')],
        outboxPut: [pending('m1', 1, 'a')],
        token: 't1',
      })
      await store.apply('other', { put: [record('a', 'elsewhere')] })
      const c = await store.load('c')
      expect(byId(c.records)).toEqual([record('a', 'A'), record('b', 'B')])
      expect(c.outbox).toEqual([pending('m1', 1, 'a')])
      expect(c.token).toBe('t1')
      expect(await store.load('other')).toEqual({ records: [record('a', 'elsewhere')], outbox: [], token: null })
    })

    it('replaces and removes records, keeps the token unless the batch names one', async () => {
      await store.apply('c', { put: [record('a', 'A'), record('b', 'B')], token: 't1' })
      await store.apply('c', { put: [record('a', 'A2', 2)], remove: ['b'] })
      expect(await store.load('c')).toEqual({ records: [record('a', 'A2', 2)], outbox: [], token: 't1' })
      await store.apply('c', { token: null })
      expect((await store.load('c')).token).toBeNull()
    })

    it('returns the outbox in order, keyed by mutation id, and drops what the batch removes', async () => {
      await store.apply('c', { outboxPut: [pending('m3', 3), pending('m1', 1)] })
      await store.apply('c', { outboxPut: [pending('m2', 2)] })
      expect((await store.loadOutbox('c')).map((e) => e.entry.mutation.id)).toEqual(['m1', 'm2', 'm3'])
      const sent = { ...pending('m1', 1), entry: { ...pending('m1', 1).entry, sent: true } }
      await store.apply('c', { outboxPut: [sent], outboxRemove: ['m2'] })
      const outbox = await store.loadOutbox('c')
      expect(outbox).toEqual([sent, pending('m3', 3)])
      expect((await store.load('c')).outbox).toEqual(outbox)
    })

    it('merges the changes of a pulled page like puts (the text and the parsed records say the same)', async () => {
      await store.apply('c', { put: [record('a', 'A', 5), record('b', 'B')], token: 't1' })
      const tombstoned: LwwRecord = { ...record('d', 'gone', 2), deleted: stamp(3) }
      const changes = [record('a', 'older', 4), record('b', 'B2', 2), record('c', 'C'), tombstoned]
      const json = JSON.stringify({ changes, token: 't2', reset: false, more: true })
      const parsed = changes.map((r) => (r.deleted ? { ...r, fields: {} } : r))
      await store.apply('c', { page: { json, changes: parsed }, token: 't2' })
      await store.apply('other', { page: { json, changes: parsed } })
      const c = await store.load('c')
      expect(byId(c.records)).toEqual([
        record('a', 'A', 5),
        record('b', 'B2', 2),
        record('c', 'C'),
        { id: 'd', fields: {}, deleted: stamp(3) },
      ])
      expect(c.token).toBe('t2')
      expect((await store.load('other')).records).toHaveLength(4)
    })

    it('clears the records of a reset before its puts, keeping outbox and token', async () => {
      await store.apply('c', { put: [record('a', 'A'), record('b', 'B')], outboxPut: [pending('m1', 1)], token: 't' })
      await store.apply('c', { clear: true, put: [record('z', 'Z')] })
      expect(await store.load('c')).toEqual({ records: [record('z', 'Z')], outbox: [pending('m1', 1)], token: 't' })
    })

    it('keeps everything across close and reopen', async () => {
      await store.apply('c', { put: [record('a', 'A')], outboxPut: [pending('m1', 1, 'a')], token: 't9' })
      store.close()
      const reopened = await open()
      expect(await reopened.load('c')).toEqual({
        records: [record('a', 'A')],
        outbox: [pending('m1', 1, 'a')],
        token: 't9',
      })
    })
  })
}
