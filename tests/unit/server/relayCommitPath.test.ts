import { join } from 'node:path'
import { CloseCode, encodeSyncStep1, encodeUpdate } from '@tandem/protocol'
import { createLogger, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient, type StockClient } from '../../helpers/client.ts'
import { openRaw } from '../../helpers/rawSocket.ts'
import { makeTempDir, removeDir } from '../../helpers/tempDir.ts'
import { sleep, waitUntil, withTimeout } from '../../helpers/wait.ts'
import { GatedStorage } from './gatedStorage.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relayWith(
  options: Parameters<typeof startRelay>[0] = {},
): Promise<{ relay: Relay; storage: GatedStorage }> {
  const dir = await makeTempDir('commit-path')
  const storage = new GatedStorage(new SqliteDocStorage({ file: join(dir, 'db.sqlite') }))
  const relay = await startRelay({ port: 0, storage, logger: createLogger('silent'), ...options })
  cleanups.push(() => removeDir(dir))
  cleanups.push(() => relay.close())
  return { relay, storage }
}

function client(relay: Relay, doc: string): StockClient {
  const c = connectClient(relay.url, doc)
  cleanups.push(() => c.destroy())
  return c
}

function textUpdate(text: string, clientID: number): Uint8Array {
  const d = new Y.Doc()
  d.clientID = clientID
  d.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(d)
}

describe('relay commit path', () => {
  it('broadcasts an update only after storage committed it', async () => {
    const { relay, storage } = await relayWith()
    const [a, b] = [client(relay, 'd'), client(relay, 'd')]
    await Promise.all([a.synced, b.synced])
    storage.holdAppends = true
    a.doc.getText('t').insert(0, 'held')
    await waitUntil('the append to reach storage', () => storage.held === 1)
    await sleep(100)
    expect(b.doc.getText('t').toString()).toBe('')
    storage.holdAppends = false
    storage.release()
    await waitUntil('b to receive the committed edit', () => b.doc.getText('t').toString() === 'held')
  })

  it('never forwards an update whose commit failed, and closes its writer with StorageUnavailable', async () => {
    // No retry window: storage that stays down (a retried outage is tests/outage).
    const { relay, storage } = await relayWith({ commitRetryMs: 0 })
    const b = client(relay, 'd')
    await b.synced
    const raw = await openRaw(`${relay.url}/d`)
    storage.failAppends = true
    raw.ws.send(encodeUpdate(textUpdate('lost', 4242)))
    expect((await withTimeout('writer to be closed', raw.closed)).code).toBe(CloseCode.StorageUnavailable)
    await sleep(50)
    expect(b.doc.getText('t').toString()).toBe('')
  })

  it('commits updates that arrive together in one transaction (group commit)', async () => {
    const { relay, storage } = await relayWith()
    const raw = await openRaw(`${relay.url}/g`)
    cleanups.push(() => raw.ws.terminate())
    const updates = Array.from({ length: 200 }, (_, i) => textUpdate(`u${i}`, 1000 + i))
    for (const u of updates) raw.ws.send(encodeUpdate(u))
    await waitUntil('all 200 updates to be committed', () => storage.appendedUpdates === 200)
    expect(storage.appendCalls).toBeLessThan(20)
    const fresh = client(relay, 'g')
    await fresh.synced
    expect(fresh.doc.getText('t').length).toBe(updates.reduce((n, _, i) => n + `u${i}`.length, 0))
  })

  it('loads a document once for many simultaneous joiners, and each first sync holds it all', async () => {
    const { relay, storage } = await relayWith({ roomIdleMs: 50, stateIdleMs: 50 })
    const writer = client(relay, 'cold')
    await writer.synced
    writer.doc.getText('t').insert(0, 'stored before the load')
    await waitUntil('the edit to be committed', () => storage.appendedUpdates === 1)
    writer.destroy()
    await waitUntil('the room to be evicted', () => relay.stats().rooms === 0)
    // Eviction folds the log into the snapshot; let that finish so only joiners load now.
    await waitUntil('the evicted room to be compacted', async () => (await storage.load('cold')).snapshot !== null)
    await waitUntil('the compactor to be idle', () => !relay.stats().compacting)
    storage.loadCalls = 0
    storage.holdLoads = true
    const texts: string[] = []
    const joiners = Array.from({ length: 20 }, () => {
      const c = connectClient(relay.url, 'cold', { onFirstSync: (doc) => texts.push(doc.getText('t').toString()) })
      cleanups.push(() => c.destroy())
      return c
    })
    await waitUntil('the load to start', () => storage.held === 1)
    await sleep(100)
    expect(texts).toEqual([])
    storage.holdLoads = false
    storage.release()
    await Promise.all(joiners.map((j) => j.synced))
    expect(storage.loadCalls).toBe(1)
    expect(texts).toEqual(Array(20).fill('stored before the load'))
  })

  it('evicts an idle room only after its writes are committed', async () => {
    const { relay, storage } = await relayWith({ roomIdleMs: 50, stateIdleMs: 50 })
    const raw = await openRaw(`${relay.url}/e`)
    raw.ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await waitUntil('the room to load', () => storage.loadCalls === 1)
    storage.holdAppends = true
    raw.ws.send(encodeUpdate(textUpdate('pending', 77)))
    await waitUntil('the append to be held', () => storage.held === 1)
    raw.ws.close()
    await sleep(300)
    expect(relay.stats().rooms).toBe(1)
    storage.holdAppends = false
    storage.release()
    await waitUntil('the room to be evicted after the commit', () => relay.stats().rooms === 0, { timeoutMs: 3_000 })
    const fresh = client(relay, 'e')
    await fresh.synced
    expect(fresh.doc.getText('t').toString()).toBe('pending')
  })

  it('compacts the log into the snapshot and keeps every update', async () => {
    const dir = await makeTempDir('compact')
    cleanups.push(() => removeDir(dir))
    const sqlite = new SqliteDocStorage({ file: join(dir, 'db.sqlite') })
    const relay = await startRelay({ port: 0, storage: sqlite, logger: createLogger('silent'), compactUpdates: 10 })
    cleanups.push(() => relay.close())
    const a = client(relay, 'c')
    await a.synced
    for (let i = 0; i < 45; i++) {
      a.doc.getText('t').insert(a.doc.getText('t').length, `${i % 10}`)
      await sleep(2)
    }
    await waitUntil('compaction to shorten the log', async () => {
      const stored = await sqlite.load('c')
      return stored.snapshot !== null && stored.updates.length < 10
    })
    const fresh = client(relay, 'c')
    await fresh.synced
    expect(fresh.doc.getText('t').toString()).toBe(a.doc.getText('t').toString())
    expect(fresh.doc.getText('t').length).toBe(45)
  })
})
