import { join } from 'node:path'
import type { RecordsCheckInReport, RejectedEvent } from '@tandem/client'
import { MemoryRecordStore } from '@tandem/client'
import { compareStamps, type FieldConflict } from '@tandem/records'
import { SqliteRecordStorage } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { FlakyRecordStorage } from './flakyRecordStorage.ts'
import { type RecordsRig, rest, settled, startRecordsRig } from './recordsRig.ts'
import { pullAll, setMutation } from './recordsWire.ts'

let rig: RecordsRig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

describe('records client against the real relay', () => {
  it('authority mode: a stale offline write is rejected as a conflict and rolled back to the server value', async () => {
    rig = await startRecordsRig({ authorityCollections: ['approvals'] })
    const ta = rig.client()
    const a = ta.records('approvals')
    const b = rig.client().records('approvals')
    await a.put('req', { state: 'pending', note: 'n' })
    await settled(a)
    await waitUntil('b has req', () => b.get('req')?.state === 'pending')
    await settled(b)
    ta.setOnline(false)
    await a.update('req', { state: 'rejected' })
    await b.update('req', { state: 'approved' })
    await settled(b)
    const rejected: RejectedEvent[] = []
    a.on('rejected', (e) => rejected.push(e))
    ta.setOnline(true)
    await waitUntil('a to see its write rejected', () => rejected.length === 1)
    expect(rejected[0]).toMatchObject({ reason: 'conflict', recordId: 'req', conflicts: [{ field: 'state' }] })
    expect(rejected[0]!.current?.fields.state?.value).toBe('approved')
    await settled(a)
    expect(a.get('req')).toEqual({ state: 'approved', note: 'n' })
    expect(a.status.value.pending).toBe(0)
  })

  it.each(['mine', 'theirs'] as const)(
    'authority mode: the refused write is kept as a conflict with both versions and the base; resolve(%s) decides',
    async (choice) => {
      rig = await startRecordsRig({ authorityCollections: ['approvals'] })
      const ta = rig.client()
      const a = ta.records('approvals')
      const b = rig.client().records('approvals')
      await a.put('req', { state: 'pending', note: 'n' })
      await settled(a)
      await waitUntil('b has req', () => b.get('req')?.state === 'pending')
      ta.setOnline(false)
      await a.update('req', { state: 'rejected' })
      await b.update('req', { state: 'approved' })
      await settled(b)
      ta.setOnline(true)
      await waitUntil('the refusal is kept as a conflict', () => a.conflicts.value.length === 1)
      expect(a.conflicts.value[0]).toMatchObject({
        recordId: 'req',
        reason: 'conflict',
        mine: { state: 'rejected' },
        theirs: { state: 'approved', note: 'n' },
        base: { state: 'pending' },
      })
      // Meanwhile the record shows the server's version.
      expect(a.get('req')).toEqual({ state: 'approved', note: 'n' })
      await a.resolve('req', choice)
      expect(a.conflicts.value).toEqual([])
      await settled(a)
      const expected = choice === 'mine' ? 'rejected' : 'approved'
      await waitUntil('both replicas agree', () => a.get('req')?.state === expected && b.get('req')?.state === expected)
      await expect(a.resolve('req', 'mine')).rejects.toThrow(/no conflict/)
    },
  )

  it('a write stamped beyond the skew bound is rejected and rolled back', async () => {
    rig = await startRecordsRig({ recordsMaxSkewMs: 10_000 })
    const future = rig.client({ records: { wallClock: () => Date.now() + 3_600_000 } }).records('tasks')
    const rejected: RejectedEvent[] = []
    future.on('rejected', (e) => rejected.push(e))
    await future.put('t', { title: 'from the future' })
    await waitUntil('the skewed write to be rejected', () => rejected.length === 1)
    expect(rejected[0]!.reason).toBe('clock-skew')
    expect(future.get('t')).toBeUndefined()
    expect((await pullAll(rig.http, 'tasks')).records.size).toBe(0)
  })

  it('concurrent offline edits: different fields both survive; the same field reports a conflict with both values and authors', async () => {
    rig = await startRecordsRig()
    const [ta, tb] = [rig.client(), rig.client()]
    const [a, b] = [ta.records('tasks'), tb.records('tasks')]
    await a.put('t', { title: 'T', status: 'todo', assignee: 'ann' })
    await settled(a)
    await waitUntil('b has t', () => b.get('t')?.title === 'T')
    ta.setOnline(false)
    tb.setOnline(false)
    await a.update('t', { status: 'doing', title: 'A title' })
    await b.update('t', { assignee: 'bob', title: 'B title' })
    // Which title wins is decided by the stamps (HLC, then node id), not by arrival order.
    const aWins = compareStamps(a.record('t')!.fields.title!.stamp, b.record('t')!.fields.title!.stamp) > 0
    const [winner, loser] = aWins ? [a, b] : [b, a]
    const title = (c: typeof a) => (c === a ? 'A title' : 'B title')
    const conflicts: FieldConflict[] = []
    a.on('conflict', (c) => conflicts.push(c))
    b.on('conflict', (c) => conflicts.push(c))
    ta.setOnline(true)
    await settled(a)
    tb.setOnline(true)
    await settled(b)
    await waitUntil('both to converge', () => JSON.stringify(a.get('t')) === JSON.stringify(b.get('t')))
    expect(a.get('t')).toEqual({ status: 'doing', assignee: 'bob', title: title(winner) })
    await waitUntil('the conflict to be reported on both', () => conflicts.length >= 2)
    expect(conflicts[0]).toMatchObject({
      recordId: 't',
      field: 'title',
      winner: { value: title(winner), author: winner.nodeId },
      loser: { value: title(loser), author: loser.nodeId },
    })
  })

  it('a token behind the purge horizon resets the replica, keeping un-flushed writes on top', async () => {
    rig = await startRecordsRig({ tombstoneHorizonMs: 0 })
    const ta = rig.client()
    const a = ta.records('tasks')
    const b = rig.client().records('tasks')
    await a.put('old', { title: 'old' })
    await a.put('stays', { title: 'stays' })
    await settled(a)
    ta.setOnline(false)
    await a.put('offline', { title: 'written offline' })
    await waitUntil('b has old', () => b.get('old') !== undefined)
    await b.delete('old')
    await settled(b)
    await rig.relay.records.purge(Date.now() + 1)
    const changes: string[] = []
    a.subscribe((c) => changes.push(c.source))
    ta.setOnline(true)
    await settled(a)
    expect(changes).toContain('rollback')
    expect(a.get('old')).toBeUndefined()
    expect(a.get('offline')).toEqual({ title: 'written offline' })
    await waitUntil('b gets the offline write', () => b.get('offline') !== undefined)
    expect(a.all().map((r) => r.id)).toEqual(['offline', 'stays'])
  })

  it('outbox survives a relay restart and flushes once it is back (retry with backoff, same ids)', async () => {
    rig = await startRecordsRig()
    const a = rig.client().records('tasks')
    await a.put('t0', { n: 0 })
    await settled(a)
    const port = rig.relay.port
    await rig.relay.close()
    for (let i = 1; i <= 5; i++) await a.update(`t${i % 3}`, { n: i })
    expect(a.status.value.pending).toBeGreaterThan(0)
    await sleep(300)
    await rig.restart({ port })
    await settled(a, 'a after restart', 20_000)
    const server = await pullAll(rig.http, 'tasks')
    expect([...server.records.keys()].sort()).toEqual(['t0', 't1', 't2'])
    expect(server.records.get('t2')?.fields.n?.value).toBe(5)
  })

  it('server errors are retried with backoff, with the same mutation id, until applied once', async () => {
    const dir = await makeTempDir('flaky-records')
    const flaky = new FlakyRecordStorage(new SqliteRecordStorage({ file: join(dir, 'records.sqlite') }), 3)
    rig = await startRecordsRig({ recordStorage: flaky })
    const a = rig.client().records('tasks')
    const failures: number[] = []
    a.status.subscribe((s) => failures.push(s.failures))
    await a.put('t', { title: 'eventually' })
    // Generous: on a loaded machine a failed batch may also wait out the result timeout.
    await settled(a, 'a after the storage recovers', 60_000)
    expect(Math.max(...failures)).toBe(3)
    expect(flaky.attempts.length).toBe(4)
    expect(new Set(flaky.attempts.map((ids) => ids.join())).size).toBe(1)
    expect((await pullAll(rig.http, 'tasks')).records.get('t')?.fields.title?.value).toBe('eventually')
    await rig.close()
    rig = undefined
    await removeDir(dir)
  }, 90_000)

  it('Merkle check-in repairs a tampered replica with a small fraction of the bytes of a full resync', async () => {
    rig = await startRecordsRig()
    const count = 10_000
    for (let i = 0; i < count; i += 1000) {
      const batch = Array.from({ length: 1000 }, (_, k) =>
        setMutation(`r${i + k}`, { title: `task ${i + k}`, done: false }),
      )
      expect((await rest(`${rig.http}/v1/records/tasks`, { method: 'POST', body: { mutations: batch } })).status).toBe(
        200,
      )
    }
    const store = new MemoryRecordStore()
    const first = rig.client({ records: { store } })
    const reports: RecordsCheckInReport[] = []
    const a = first.records('tasks')
    a.on('checkIn', (r) => reports.push(r))
    await settled(a, 'initial sync', 30_000)
    await waitUntil('the first check-in', () => reports.length === 1, { timeoutMs: 20_000 })
    expect(reports[0]!.equal).toBe(true)
    first.destroy()
    // Corrupt the device copy behind the client's back, then "reload" on the same store.
    const good = (await store.load('tasks')).records.find((r) => r.id === 'r4242')!
    store.tamper('tasks', { ...good, fields: { ...good.fields, title: { ...good.fields.title!, value: 'tampered' } } })
    const b = rig.client({ records: { store } }).records('tasks')
    const repairs: RecordsCheckInReport[] = []
    b.on('checkIn', (r) => repairs.push(r))
    await b.ready
    expect(b.get('r4242')?.title).toBe('tampered')
    // The check-in after sync finds and repairs it by itself.
    await waitUntil('the check-in after sync', () => repairs.length === 1, { timeoutMs: 20_000 })
    const report = repairs[0]!
    expect(report).toMatchObject({ equal: false, buckets: 1, repaired: ['r4242'] })
    expect(b.get('r4242')?.title).toBe('task 4242')
    const full = await pullAll(rig.http, 'tasks', '', {}, 5000)
    console.log(
      `Merkle repair of 1 record in ${count}: ${report.bytes} B in ${report.roundTrips} round trips; ` +
        `full resync: ${full.bytes} B (${((100 * report.bytes) / full.bytes).toFixed(3)}%)`,
    )
    expect(report.bytes).toBeLessThan(full.bytes / 100)
    expect((await b.checkIn()).equal).toBe(true)
  })
})
