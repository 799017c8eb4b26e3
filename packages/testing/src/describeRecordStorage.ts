import type { Decision, RecordStorage } from '@tandem/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

/**
 * The acceptance suite every RecordStorage passes (SQLite, PostgreSQL, and adapters outside this
 * repository). It checks the RecordStorage contract of @tandem/server at the JSON level only.
 */
export interface RecordStorageHarness {
  /** Opens a storage on this harness's backing store; may be called several times (several "instances"). */
  open(): Promise<RecordStorage>
  destroy(): Promise<void>
}

const row = (data: string, deleted = false): Decision => ({ kind: 'row', row: { data, digest: `d-${data}`, deleted } })
const item = (mutationId: string, recordId: string) => ({ mutationId, recordId })

export function describeRecordStorage(name: string, createHarness: () => Promise<RecordStorageHarness>): void {
  describe(`RecordStorage acceptance: ${name}`, () => {
    let harness: RecordStorageHarness
    let s: RecordStorage
    const opened: RecordStorage[] = []
    const open = async () => {
      const storage = await harness.open()
      opened.push(storage)
      return storage
    }

    beforeEach(async () => {
      harness = await createHarness()
      s = await open()
    })
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.close().catch(() => {})
      await harness.destroy()
    })

    it('assigns strictly increasing sequence numbers and pages changes in that order', async () => {
      for (let i = 0; i < 5; i++) await s.write('c', [item(`m${i}`, `r${i % 3}`)], () => row(`v${i}`))
      const first = await s.changes('c', 0, 2)
      expect(first.rows.map((r) => r.seq)).toEqual([3, 4])
      expect(first.more).toBe(true)
      expect(first.head).toBe(5)
      const rest = await s.changes('c', 4, 10)
      expect(rest.rows.map((r) => [r.id, r.data, r.seq])).toEqual([['r1', 'v4', 5]])
      expect(rest.more).toBe(false)
      expect((await s.changes('other', 0, 10)).head).toBe(0)
    })

    it('recognises a mutation id it applied (also a kept one) and never decides it again', async () => {
      let calls = 0
      const decide = () => {
        calls++
        return row('x')
      }
      expect(await s.write('c', [item('m1', 'r')], decide)).toMatchObject([{ status: 'written' }])
      expect(await s.write('c', [item('m1', 'r'), item('m1', 'r')], decide)).toEqual([
        { status: 'duplicate' },
        { status: 'duplicate' },
      ])
      expect(await s.write('c', [item('m2', 'r')], () => ({ kind: 'keep' }))).toEqual([{ status: 'kept' }])
      expect(await s.write('c', [item('m2', 'r')], decide)).toEqual([{ status: 'duplicate' }])
      expect(calls).toBe(1)
      expect((await s.changes('c', 0, 10)).head).toBe(1)
    })

    it('does not remember a rejected mutation, so a corrected retry is decided again', async () => {
      expect(await s.write('c', [item('m1', 'r')], () => ({ kind: 'reject' }))).toEqual([{ status: 'rejected' }])
      expect(await s.write('c', [item('m1', 'r')], () => row('ok'))).toMatchObject([{ status: 'written' }])
    })

    it('passes the current row to decide and rolls the whole batch back if decide throws', async () => {
      await s.write('c', [item('m1', 'r')], () => row('one'))
      const seen: (string | undefined)[] = []
      await s.write('c', [item('m2', 'r')], (current) => {
        seen.push(current?.data)
        return row('two')
      })
      expect(seen).toEqual(['one'])
      await expect(
        s.write('c', [item('m3', 'q'), item('m4', 'r')], (_, i) => {
          if (i === 1) throw new Error('boom')
          return row('three')
        }),
      ).rejects.toThrow('boom')
      expect((await s.get('c', ['q', 'r'])).map((r) => r.data)).toEqual(['two'])
      expect(await s.write('c', [item('m3', 'q')], () => row('again'))).toMatchObject([{ status: 'written' }])
    })

    it('returns tombstones by id but only live records as digests', async () => {
      await s.write('c', [item('m1', 'a'), item('m2', 'b')], (_, i) => row(i === 0 ? 'A' : 'B', i === 1))
      expect((await s.get('c', ['a', 'b', 'zz'])).map((r) => [r.id, r.deleted])).toEqual([
        ['a', false],
        ['b', true],
      ])
      expect(await s.digests('c')).toEqual([{ id: 'a', digest: 'd-A' }])
    })

    it('purges old tombstones and mutation ids and raises the purge horizon', async () => {
      await s.write('c', [item('m1', 'a'), item('m2', 'b')], (_, i) => row(i === 0 ? 'A' : 'B', i === 1))
      await s.write('c', [item('m3', 'a')], () => row('A2'))
      const result = await s.purge(Date.now() + 1_000)
      expect(result.tombstones).toBe(1)
      expect(result.mutations).toBe(3)
      const read = await s.changes('c', 0, 10)
      expect(read.rows.map((r) => r.id)).toEqual(['a'])
      expect(read.purged).toBe(2)
      expect(await s.write('c', [item('m1', 'a')], () => ({ kind: 'keep' }))).toEqual([{ status: 'kept' }])
    })

    it('keeps data, epoch and head across a reopen', async () => {
      const epoch = await s.epoch()
      await s.write('c', [item('m1', 'a')], () => row('A'))
      await s.close()
      s = await open()
      expect(await s.epoch()).toBe(epoch)
      expect((await s.changes('c', 0, 10)).rows.map((r) => r.data)).toEqual(['A'])
      expect(await s.write('c', [item('m2', 'b')], () => row('B'))).toMatchObject([
        { status: 'written', row: { seq: 2 } },
      ])
    })

    it('hands out gap-free, unique sequence numbers to concurrent writers on two instances', async () => {
      const other = await open()
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? s : other).write('c', [item(`m${i}`, `r${i}`)], () => row(`v${i}`)),
      )
      await Promise.all(writes)
      const read = await s.changes('c', 0, 100)
      expect(read.rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      expect(await other.epoch()).toBe(await s.epoch())
    })
  })
}
