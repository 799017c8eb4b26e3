import { encodeSyncToken, recordValues } from '@tandem/records'
import { afterEach, describe, expect, it } from 'vitest'
import { type RecordsRig, rest, startRecordsRig } from './recordsRig.ts'
import { deleteMutation, pullAll, seqOf, setMutation } from './recordsWire.ts'

let rig: RecordsRig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

const push = (mutations: unknown[], collection = 'tasks') =>
  rest(`${rig!.http}/v1/records/${collection}`, { method: 'POST', body: { mutations } })

describe('records relay: sequence, tokens, purge, idempotency (REST)', () => {
  it('a reader pulling continuously beside concurrent writers never misses a change', async () => {
    rig = await startRecordsRig()
    const writers = 4
    const perWriter = 60
    let done = false
    const seen = new Map<string, unknown>()
    let token = ''
    let lastSeq = 0
    const isCaughtUp = async () => (await pullAll(rig!.http, 'tasks', token)).records.size === 0
    const reader = (async () => {
      for (let i = 0; i < 100_000 && !(done && (await isCaughtUp())); i++) {
        const page = await pullAll(rig!.http, 'tasks', token, {}, 7)
        for (const p of page.pages) {
          expect(p.reset).toBe(false)
          expect(seqOf(p.token)).toBeGreaterThanOrEqual(lastSeq)
          lastSeq = seqOf(p.token)
        }
        for (const [id, r] of page.records) seen.set(id, recordValues(r)?.n)
        token = page.token
      }
    })()
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          // Each writer rewrites a few records of its own, so rows move to higher seqs under the reader.
          const res = await push([setMutation(`w${w}-r${i % 5}`, { n: i }, { node: `writer${w}` })])
          expect(res.status).toBe(200)
        }
      }),
    )
    done = true
    await reader
    // Every record ends with its writer's last value, as the reader saw it.
    for (let w = 0; w < writers; w++) {
      for (let r = 0; r < 5; r++) expect(seen.get(`w${w}-r${r}`)).toBe(perWriter - 5 + r)
    }
    expect(lastSeq).toBe(writers * perWriter)
  })

  it('answers a token from another epoch or collection, a corrupt token and a future position with a reset snapshot', async () => {
    rig = await startRecordsRig()
    await push([setMutation('a', { t: 1 }), setMutation('b', { t: 2 })])
    const fresh = await pullAll(rig.http, 'tasks')
    expect(fresh.pages[0]!.reset).toBe(false)
    const delta = await pullAll(rig.http, 'tasks', fresh.token)
    expect(delta.pages[0]).toMatchObject({ changes: [], reset: false, more: false })
    // A real position in another collection of the same server: a foreign position, not ours.
    await push([setMutation('x', { t: 3 }, { collection: 'other' })], 'other')
    const foreign = (await pullAll(rig.http, 'other')).token
    for (const token of [
      encodeSyncToken({ epoch: 'another-epoch', collection: 'tasks', seq: 1 }),
      'not-a-token',
      encodeSyncToken({ epoch: rig.relay.records.epoch, collection: 'tasks', seq: 99 }),
      foreign,
      `${fresh.token.slice(0, -2)}${fresh.token.endsWith('AA') ? 'BB' : 'AA'}`,
    ]) {
      const page = await pullAll(rig.http, 'tasks', token)
      expect(page.pages[0]!.reset).toBe(true)
      expect([...page.records.keys()].sort()).toEqual(['a', 'b'])
    }
  })

  it('purges tombstones after the horizon and resets tokens older than the purge', async () => {
    rig = await startRecordsRig({ tombstoneHorizonMs: 0 })
    await push([setMutation('keep', { t: 1 }), setMutation('gone', { t: 2 })])
    const before = await pullAll(rig.http, 'tasks')
    await push([deleteMutation('gone')])
    const withTombstone = await pullAll(rig.http, 'tasks', before.token)
    expect(withTombstone.records.get('gone')?.deleted).toBeDefined()
    expect((await rig.relay.records.purge(Date.now() + 1)).tombstones).toBe(1)
    const snapshot = await pullAll(rig.http, 'tasks')
    expect([...snapshot.records.keys()]).toEqual(['keep'])
    // `before` never saw the delete, and its tombstone is gone: only a reset is safe.
    const old = await pullAll(rig.http, 'tasks', before.token)
    expect(old.pages[0]!.reset).toBe(true)
    // A token taken after the tombstone is still good.
    expect((await pullAll(rig.http, 'tasks', withTombstone.token)).pages[0]!.reset).toBe(false)
  })

  it('applies a retried mutation once: the same id twice is a duplicate and takes no new sequence number', async () => {
    rig = await startRecordsRig()
    const m = setMutation('r', { title: 'once' })
    expect((await push([m])).body.results).toMatchObject([{ id: m.id, status: 'applied' }])
    const head = seqOf((await pullAll(rig.http, 'tasks')).token)
    expect((await push([m, m])).body.results).toEqual([
      { id: m.id, status: 'duplicate' },
      { id: m.id, status: 'duplicate' },
    ])
    expect(seqOf((await pullAll(rig.http, 'tasks')).token)).toBe(head)
  })

  it('pages a pull with limit and keeps delta bytes proportional to the changes', async () => {
    rig = await startRecordsRig()
    const all = Array.from({ length: 2_000 }, (_, i) => setMutation(`r${i}`, { title: `task ${i}`, done: false }))
    for (let i = 0; i < all.length; i += 500) expect((await push(all.slice(i, i + 500))).status).toBe(200)
    const full = await pullAll(rig.http, 'tasks', '', {}, 1000)
    expect(full.pages.map((p) => p.changes.length)).toEqual([1000, 1000])
    expect(full.records.size).toBe(2_000)
    await push(Array.from({ length: 20 }, (_, i) => setMutation(`r${i * 7}`, { done: true })))
    const delta = await pullAll(rig.http, 'tasks', full.token)
    expect(delta.records.size).toBe(20)
    expect(delta.bytes).toBeLessThan(full.bytes / 50)
  })

  it('refuses bad input with 400 and a clear error, and keeps serving', async () => {
    rig = await startRecordsRig()
    const bad = await rest(`${rig.http}/v1/records/tasks`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(400)
    expect(String(bad.body.error)).toMatch(/mutations/)
    expect((await push([{ id: 'x', op: 'set' }])).status).toBe(400)
    const mixed = await push([
      setMutation('ok', { v: 1 }),
      { id: 'bad', collection: 'tasks', recordId: 'r', op: 'nope' },
    ])
    expect(mixed.status).toBe(400)
    expect(mixed.body.results).toMatchObject([
      { status: 'applied' },
      { id: 'bad', status: 'rejected', reason: 'invalid' },
    ])
    expect((await push([setMutation('r', { v: 1 }, { collection: 'other' })])).status).toBe(400)
    expect((await rest(`${rig.http}/v1/records/bad%20name`)).status).toBe(400)
    expect((await rest(`${rig.http}/v1/records/tasks?limit=0`)).status).toBe(400)
    expect((await pullAll(rig.http, 'tasks')).records.has('ok')).toBe(true)
  })

  it('refuses a stamp too far ahead of the server clock (bounded skew)', async () => {
    rig = await startRecordsRig({ recordsMaxSkewMs: 5_000 })
    const res = await push([setMutation('future', { v: 1 }, { wall: Date.now() + 60_000 })])
    expect(res.status).toBe(400)
    expect(res.body.results).toMatchObject([{ status: 'rejected', reason: 'clock-skew' }])
    expect((await push([setMutation('now', { v: 1 }, { wall: Date.now() + 1_000 })])).status).toBe(200)
    expect([...(await pullAll(rig.http, 'tasks')).records.keys()]).toEqual(['now'])
  })

  it('refuses a stale base in authority mode with 409 and the current value; other collections merge', async () => {
    rig = await startRecordsRig({ authorityCollections: ['approvals'] })
    const first = setMutation('req', { state: 'pending' }, { collection: 'approvals', base: { state: null } })
    expect((await push([first], 'approvals')).status).toBe(200)
    const current = first.op === 'set' ? first.fields.state!.stamp : null
    const approve = setMutation('req', { state: 'approved' }, { collection: 'approvals', base: { state: current } })
    expect((await push([approve], 'approvals')).status).toBe(200)
    const stale = setMutation('req', { state: 'rejected' }, { collection: 'approvals', base: { state: current } })
    const res = await push([stale], 'approvals')
    expect(res.status).toBe(409)
    expect(res.body.results).toMatchObject([
      { status: 'rejected', reason: 'conflict', current: { fields: { state: { value: 'approved' } } } },
    ])
    const blind = await push([setMutation('req', { state: 'x' }, { collection: 'approvals' })], 'approvals')
    expect(blind.status).toBe(409)
    const lww = await push([setMutation('req', { state: 'x' }, { base: { state: current } })], 'tasks')
    expect(lww.status).toBe(200)
    const mutationsPath = await rest(`${rig.http}/v1/records/approvals/mutations`, {
      method: 'POST',
      body: { mutations: [stale] },
    })
    expect(mutationsPath.status).toBe(409)
  })
})
