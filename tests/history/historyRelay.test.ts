import { PostgresDocStorage } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startAuthRelay } from '../auth/authRig.ts'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { waitUntil } from '../helpers/wait.ts'

interface Listed {
  id: number
  at: number
  authors: string[]
  size: number
  name: string | null
}

const DAY = 24 * 3600_000
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relayWith(options: Parameters<typeof startTestRelay>[0]): Promise<TestRelay & { http: string }> {
  const r = await startTestRelay(options)
  cleanups.push(() => r.stop())
  return { ...r, http: r.url.replace(/^ws:/, 'http:') }
}

async function client(url: string, doc: string, params?: Record<string, string>): Promise<StockClient> {
  const c = await syncedClient(url, doc, { params })
  cleanups.push(() => c.destroy())
  return c
}

const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : undefined)
const JSON_TYPE = { 'content-type': 'application/json' }

async function list(http: string, doc: string, token?: string): Promise<Listed[]> {
  const res = await fetch(`${http}/v1/docs/${doc}/versions`, { headers: auth(token) })
  expect(res.status).toBe(200)
  return ((await res.json()) as { versions: Listed[] }).versions
}

async function preview(http: string, doc: string, id: number): Promise<Y.Doc> {
  const res = await fetch(`${http}/v1/docs/${doc}/versions/${id}`)
  expect(res.status).toBe(200)
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(await res.arrayBuffer()))
  return d
}

describe('version history on a live relay', () => {
  it('records versions as edits happen, and a preview shows the content of that time', async () => {
    const r = await relayWith({ historyQuietMs: 30, historyEveryChanges: 1_000 })
    const a = await client(r.url, 'notes')
    a.doc.getText('t').insert(0, 'monday')
    await waitUntil('a first version', async () => (await list(r.http, 'notes')).length === 1)
    a.doc.getText('t').insert(6, ' tuesday')
    a.doc.getMap('meta').set('title', 'week')
    await waitUntil('a second version', async () => (await list(r.http, 'notes')).length === 2)
    const [v1, v2] = await list(r.http, 'notes')
    expect(v1).toMatchObject({ authors: ['anonymous'], name: null })
    expect(v1!.size).toBeGreaterThan(0)
    expect((await preview(r.http, 'notes', v1!.id)).getText('t').toString()).toBe('monday')
    expect((await preview(r.http, 'notes', v2!.id)).getText('t').toString()).toBe('monday tuesday')
    const json = await fetch(`${r.http}/v1/docs/notes/versions/${v2!.id}?format=json`)
    expect(await json.json()).toEqual({ t: 'monday tuesday', meta: { title: 'week' } })
    expect((await fetch(`${r.http}/v1/docs/notes/versions/999999`)).status).toBe(404)
    expect((await fetch(`${r.http}/v1/docs/other/versions/${v1!.id}`)).status).toBe(404)
  })

  it('takes a version at least every N changes even without a quiet moment', async () => {
    const r = await relayWith({ historyQuietMs: 3_600_000, historyEveryChanges: 5 })
    const a = await client(r.url, 'busy')
    for (let i = 0; i < 12; i++) a.doc.getText('t').insert(i, 'x')
    await waitUntil('two versions from twelve changes', async () => (await list(r.http, 'busy')).length === 2)
  })

  it('restores as a forward change: offline edits made meanwhile survive and everyone converges', async () => {
    const r = await relayWith({ historyQuietMs: 30 })
    const a = await client(r.url, 'draft')
    const b = await client(r.url, 'draft')
    a.doc.getText('t').insert(0, 'monday')
    await waitUntil('version of monday', async () => (await list(r.http, 'draft')).length === 1)
    const [v1] = await list(r.http, 'draft')
    a.doc.getText('t').insert(6, ' tuesday')
    await waitUntil('b sees tuesday', () => b.doc.getText('t').toString() === 'monday tuesday')
    b.provider.disconnect()
    b.doc.getMap('notes').set('offline', 'written on the train')
    b.doc.getText('t').insert(0, 'B:')
    const res = await fetch(`${r.http}/v1/docs/draft/versions/${v1!.id}/restore`, {
      method: 'POST',
      headers: JSON_TYPE,
    })
    expect(res.status).toBe(200)
    await waitUntil('a sees the restore', () => a.doc.getText('t').toString() === 'monday')
    b.provider.connect()
    const seen = (c: StockClient) => `${c.doc.getText('t').toString()}|${c.doc.getMap('notes').get('offline')}`
    await waitUntil('a and b converge', () => seen(a) === seen(b) && a.doc.getMap('notes').size === 1).catch((err) => {
      throw new Error(`${err.message}: a=${seen(a)} b=${seen(b)}`)
    })
    expect(a.doc.getText('t').toString()).toBe('B:monday')
    expect(a.doc.getMap('notes').get('offline')).toBe('written on the train')
    const versions = await list(r.http, 'draft')
    expect(versions.some((v) => v.name === `Restored version ${v1!.id}`)).toBe(true)
    const fresh = await client(r.url, 'draft')
    expect(fresh.doc.getText('t').toString()).toBe('B:monday')
  })

  it('retention thins old versions by the injected clock and keeps named ones', async () => {
    const clock = { t: DAY + 1 }
    const r = await relayWith({
      historyEveryChanges: 1,
      historyKeepAllMs: 2 * DAY,
      historyBucketMs: DAY,
      historyClock: () => clock.t,
    })
    const a = await client(r.url, 'old')
    const named = await fetch(`${r.http}/v1/docs/old/versions`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: '{"name":"start"}',
    })
    expect(named.status).toBe(201)
    for (let i = 0; i < 3; i++) {
      clock.t = DAY + 10 + i
      a.doc.getText('t').insert(i, 'x')
      await waitUntil(`version ${i + 2}`, async () => (await list(r.http, 'old')).length === i + 2)
    }
    const before = await list(r.http, 'old')
    clock.t = 5 * DAY
    a.doc.getText('t').insert(0, 'y')
    await waitUntil('thinned', async () => (await list(r.http, 'old')).length === 3)
    const after = await list(r.http, 'old')
    expect(after.map((v) => v.id)).toEqual([before[0]!.id, before[3]!.id, after[2]!.id])
    expect(after[0]!.name).toBe('start')
  })
})

const hasPostgres = await postgresAvailable()

describe('version history on PostgreSQL', () => {
  it.skipIf(!hasPostgres)(
    'is kept in the shared database: another instance lists, previews and restores it',
    async () => {
      const schema = uniqueSchema('history')
      cleanups.push(() => dropSchema(schema))
      const one = await relayWith({
        historyQuietMs: 30,
        storage: await PostgresDocStorage.connect({ url: POSTGRES_URL, schema }),
      })
      const two = await relayWith({
        historyQuietMs: 30,
        storage: await PostgresDocStorage.connect({ url: POSTGRES_URL, schema }),
      })
      const a = await client(one.url, 'shared')
      a.doc.getText('t').insert(0, 'first')
      await waitUntil(
        'a version seen from the other instance',
        async () => (await list(two.http, 'shared')).length === 1,
      )
      const [v1] = await list(two.http, 'shared')
      a.doc.getText('t').insert(5, ' second')
      await waitUntil('a second version', async () => (await list(two.http, 'shared')).length === 2)
      expect((await preview(two.http, 'shared', v1!.id)).getText('t').toString()).toBe('first')
      const res = await fetch(`${one.http}/v1/docs/shared/versions/${v1!.id}/restore`, {
        method: 'POST',
        headers: JSON_TYPE,
      })
      expect(res.status).toBe(200)
      await waitUntil('a sees the restore', () => a.doc.getText('t').toString() === 'first')
    },
  )
})

describe('version history access', () => {
  it('read scope lists and previews, write scope names and restores, another document sees nothing', async () => {
    const rig = await startAuthRelay({ historyQuietMs: 30 })
    cleanups.push(() => rig.close())
    const writer = await rig.token({ docs: ['plan'], scope: 'write', sub: 'alice' })
    const reader = await rig.token({ docs: ['plan'], scope: 'read', sub: 'bob' })
    const stranger = await rig.token({ docs: ['elsewhere'], scope: 'write', sub: 'eve' })
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'secret plan')
    const put = await fetch(`${rig.http}/v1/docs/plan`, {
      method: 'POST',
      headers: { ...auth(writer), 'content-type': 'application/octet-stream' },
      body: Buffer.from(Y.encodeStateAsUpdate(doc)),
    })
    expect(put.status).toBe(200)
    const post = (path: string, token: string, body?: string) =>
      fetch(`${rig.http}/v1/docs/plan/versions${path}`, {
        method: 'POST',
        headers: { ...auth(token), ...JSON_TYPE },
        body,
      })
    const named = await post('', writer, '{"name":"v1"}')
    expect(named.status).toBe(201)
    const { version } = (await named.json()) as { version: Listed }
    // The REST write before it (no socket, so "anonymous") may not have had its quiet version yet.
    expect(version.name).toBe('v1')
    expect(version.authors).toContain('alice')
    expect((await list(rig.http, 'plan', reader)).map((v) => v.name)).toContain('v1')
    expect((await fetch(`${rig.http}/v1/docs/plan/versions/${version.id}`, { headers: auth(reader) })).status).toBe(200)
    expect((await post('', reader, '{"name":"mine"}')).status).toBe(403)
    expect((await post(`/${version.id}/restore`, reader)).status).toBe(403)
    for (const path of ['', `/${version.id}`, `/${version.id}?format=json`]) {
      const res = await fetch(`${rig.http}/v1/docs/plan/versions${path}`, { headers: auth(stranger) })
      expect(res.status, path).toBe(403)
      expect(await res.text()).not.toContain('secret')
    }
    expect((await post(`/${version.id}/restore`, stranger)).status).toBe(403)
    expect((await fetch(`${rig.http}/v1/docs/plan/versions`)).status).toBe(401)
    expect((await post(`/${version.id}/restore`, writer)).status).toBe(200)
    const carol = await client(`${rig.relay.url}`, 'plan', { token: await rig.token({ docs: ['plan'], sub: 'carol' }) })
    carol.doc.getText('t').insert(0, 'C')
    await waitUntil('an automatic version by carol', async () =>
      (await list(rig.http, 'plan', reader)).some((v) => v.name === null && v.authors.join() === 'carol'),
    )
  })
})
