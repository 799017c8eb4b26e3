import { CloseCode } from '@tandem/protocol'
import { createLogger, type Relay, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { tandemClient } from '../client/tandemClient.ts'
import { connectClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

const ADMIN = 'admin-token-0123456789'
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relay(adminToken?: string): Promise<Relay> {
  const dir = await makeTempDir('admin')
  const r = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent'), adminToken })
  cleanups.push(
    () => removeDir(dir),
    () => r.close(),
  )
  return r
}

const api = (r: Relay, path: string, init: RequestInit = {}, token: string | null = ADMIN) =>
  fetch(`${r.url.replace('ws:', 'http:')}/admin/${path}`, {
    ...init,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })

function richText(lines: string[]): Uint8Array<ArrayBuffer> {
  const d = new Y.Doc()
  const frag = d.getXmlFragment('default')
  frag.insert(
    0,
    lines.map((l) => {
      const p = new Y.XmlElement('paragraph')
      p.insert(0, [new Y.XmlText(l)])
      return p
    }),
  )
  d.getMap('meta').set('title', 'Plan')
  return new Uint8Array(Y.encodeStateAsUpdate(d))
}

describe('admin API', () => {
  it('does not exist without an admin token, and refuses a wrong one', async () => {
    expect((await api(await relay(), 'docs')).status).toBe(404)
    const r = await relay(ADMIN)
    expect((await api(r, 'docs', {}, null)).status).toBe(401)
    expect((await api(r, 'docs', {}, 'wrong-token-0123456789')).status).toBe(401)
    expect((await api(r, 'docs')).status).toBe(200)
  })

  it('imports, lists with size and last change, and exports as Yjs, JSON and text', async () => {
    const r = await relay(ADMIN)
    const before = Date.now()
    expect(
      (await api(r, 'docs/team%2Fplan', { method: 'POST', body: richText(['First line', 'Second line']) })).status,
    ).toBe(200)
    const stock = connectClient(r.url, 'team/plan')
    cleanups.push(() => stock.destroy())
    await stock.synced
    expect(stock.doc.getXmlFragment('default').length).toBe(2)
    const list = (await (await api(r, 'docs')).json()) as { docs: { name: string; bytes: number; updatedAt: number }[] }
    const plan = list.docs.find((d) => d.name === 'team/plan')!
    expect(plan.bytes).toBeGreaterThan(20)
    expect(plan.updatedAt).toBeGreaterThanOrEqual(before - 1000)
    const yjs = new Uint8Array(await (await api(r, 'docs/team%2Fplan?format=yjs')).arrayBuffer())
    const copy = new Y.Doc()
    Y.applyUpdate(copy, yjs)
    expect(copy.getMap('meta').get('title')).toBe('Plan')
    expect(await (await api(r, 'docs/team%2Fplan?format=json')).json()).toEqual({
      default: '<paragraph>First line</paragraph><paragraph>Second line</paragraph>',
      meta: { title: 'Plan' },
    })
    expect(await (await api(r, 'docs/team%2Fplan?format=text')).text()).toBe('First line\nSecond line')
    expect((await api(r, 'docs/team%2Fplan?format=pdf')).status).toBe(400)
    expect((await api(r, 'docs/x', { method: 'POST', body: new Uint8Array([1, 2, 3]) })).status).toBe(422)
  })

  it('deletes with a tombstone: clients are told, an offline replica cannot bring it back', async () => {
    const r = await relay(ADMIN)
    const offline = tandemClient(r.url)
    cleanups.push(() => offline.destroy())
    const old = offline.doc('doomed')
    old.doc.getText('t').insert(0, 'old content')
    await old.whenSaved()
    offline.setOnline(false)
    const stock = connectClient(r.url, 'doomed')
    cleanups.push(() => stock.destroy())
    await stock.synced
    const closed = new Promise<number>((resolve) =>
      stock.provider.on('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? 0)),
    )

    expect((await api(r, 'docs/doomed', { method: 'DELETE' })).status).toBe(200)
    expect(await closed).toBe(CloseCode.DocumentDeleted)
    // The offline replica comes back with edits: it is told, and nothing is written.
    old.doc.getText('t').insert(0, 'resurrect? ')
    offline.setOnline(true)
    await waitUntil('the offline client to learn of the deletion', () =>
      /DocumentDeleted/.test(old.status.value.lastError?.message ?? ''),
    )
    expect(old.status.value.state).not.toBe('saved')
    expect((await api(r, 'docs/doomed')).status).toBe(410)
    const listed = (await (await api(r, 'docs')).json()) as {
      docs: { name: string; deletedAt?: number; bytes: number }[]
    }
    expect(listed.docs.find((d) => d.name === 'doomed')).toMatchObject({ bytes: 0 })
    expect(listed.docs.find((d) => d.name === 'doomed')!.deletedAt).toBeGreaterThan(0)
    expect((await fetch(`${r.url.replace('ws:', 'http:')}/v1/docs/doomed`)).status).toBe(410)
    // An operator may import under the name again.
    const fresh = new Y.Doc()
    fresh.getText('t').insert(0, 'new life')
    expect(
      (await api(r, 'docs/doomed', { method: 'POST', body: new Uint8Array(Y.encodeStateAsUpdate(fresh)) })).status,
    ).toBe(200)
    expect(await (await api(r, 'docs/doomed?format=text')).text()).toBe('new life')
  })
})
