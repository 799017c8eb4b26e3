import { createLogger, type Relay, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relay(): Promise<Relay> {
  const dir = await makeTempDir('client-sync')
  const r = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent') })
  cleanups.push(
    () => removeDir(dir),
    () => r.close(),
  )
  return r
}

describe('@tandem/client against the real relay (Node)', () => {
  it('syncs 100 documents over one socket with stock clients', async () => {
    const r = await relay()
    const t = tandemClient(r.url)
    cleanups.push(() => t.destroy())
    const handles = Array.from({ length: 100 }, (_, i) => t.doc(`many-${i}`))
    for (const [i, h] of handles.entries()) h.doc.getText('t').insert(0, `doc ${i}`)
    await Promise.all(handles.map((h) => h.whenSaved()))
    expect(r.stats().connections).toBe(1)
    for (const i of [0, 42, 99]) {
      const stock = connectClient(r.url, `many-${i}`)
      cleanups.push(() => stock.destroy())
      await stock.synced
      expect(stock.doc.getText('t').toString()).toBe(`doc ${i}`)
      stock.doc.getText('t').insert(0, 'stock ')
      await waitUntil(
        `doc ${i} to get the stock edit`,
        () => handles[i]!.doc.getText('t').toString() === `stock doc ${i}`,
      )
    }
  })

  it('reports offline -> connecting -> syncing -> saved honestly, and pending counts unacked changes', async () => {
    const r = await relay()
    const t = tandemClient(r.url)
    cleanups.push(() => t.destroy())
    const h = t.doc('status')
    const seen: string[] = []
    h.status.subscribe((s) => seen.push(`${s.state}:${s.pending}`))
    await h.whenSaved()
    t.setOnline(false)
    h.doc.getText('t').insert(0, 'a')
    h.doc.getText('t').insert(0, 'b')
    expect(h.status.value).toMatchObject({ state: 'offline', pending: 2 })
    await sleep(50)
    expect(h.status.value.state).toBe('offline')
    t.setOnline(true)
    await h.whenSaved()
    expect(h.status.value.pending).toBe(0)
    // saved never appears with changes pending
    expect(seen.filter((s) => s.startsWith('saved:') && s !== 'saved:0')).toEqual([])
    expect(h.progress()).toEqual({ last: 2, stored: 2, acked: 2 })
  })

  it('detects a tampered replica by check-in and repairs it', async () => {
    const r = await relay()
    const t = tandemClient(r.url)
    cleanups.push(() => t.destroy())
    const h = t.doc('tamper')
    h.doc.getText('t').insert(0, 'base')
    await h.whenSaved()
    await waitUntil('the first check-in', () => h.checkIns.length === 1)
    expect(h.checkIns[0]!.match).toBe(true)
    // A change applied as if it came from the server is never sent: the replicas now differ
    // while both sides believe they are in sync.
    const other = new Y.Doc()
    other.getText('t').insert(0, 'hidden ')
    Y.applyUpdate(h.doc, Y.encodeStateAsUpdate(other), (await import('@tandem/client')).FROM_SERVER)
    await h.checkIn()
    await waitUntil('a repaired, matching check-in', () => h.checkIns.some((c) => c.match && c.repaired))
    expect(h.checkIns.some((c) => !c.match)).toBe(true)
    const stock = connectClient(r.url, 'tamper')
    cleanups.push(() => stock.destroy())
    await stock.synced
    expect(stock.doc.getText('t').toString()).toContain('hidden')
  })

  it('removes presence for the others when a client leaves or its connection drops', async () => {
    const r = await relay()
    const a = tandemClient(r.url, { user: { name: 'ann', color: '#f00' } })
    const b = tandemClient(r.url, { user: { name: 'bob', color: '#00f' } })
    cleanups.push(() => b.destroy())
    const stock = connectClient(r.url, 'presence')
    cleanups.push(() => stock.destroy())
    const [ha, hb] = [a.doc('presence'), b.doc('presence')]
    const names = () =>
      [...stock.provider.awareness.getStates().values()]
        .map((s) => (s as { user?: { name: string } }).user?.name)
        .filter(Boolean)
        .sort()
    await waitUntil('both users visible to the stock client', () => names().join() === 'ann,bob')
    expect([...hb.awareness.getStates().values()].some((s) => s.user?.name === 'ann')).toBe(true)
    a.destroy()
    await waitUntil('ann to be gone', () => names().join() === 'bob')
    await waitUntil(
      'bob to see ann gone',
      () => ![...hb.awareness.getStates().values()].some((s) => s.user?.name === 'ann'),
    )
    // A dropped connection (no goodbye) is cleaned up by the server.
    b.setOnline(false)
    await waitUntil('bob to be gone after his connection dropped', () => names().join() === '')
    void ha
  })
})
