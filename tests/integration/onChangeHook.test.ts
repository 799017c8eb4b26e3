import { join } from 'node:path'
import { type ChangeEvent, createLogger, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { GatedAppendStorage } from '../browser/support/GatedAppendStorage.ts'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/** hooks.onChange: called after commit, in order; a throwing or hanging hook costs only its call. */

let relay: Relay | undefined
let gated: GatedAppendStorage | undefined
let dir: string | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  gated?.release()
  await relay?.close()
  if (dir) await removeDir(dir)
})

it('tells onChange of each committed change, only after its commit', async () => {
  dir = await makeTempDir('on-change')
  const storage = new GatedAppendStorage(new SqliteDocStorage({ file: join(dir, 'tandem.sqlite') }))
  gated = storage
  const events: ChangeEvent[] = []
  relay = await startRelay({
    logger: createLogger('silent'),
    port: 0,
    dataDir: dir,
    storage,
    hooks: { onChange: (e) => void events.push(e) },
  })
  const a = await syncedClient(relay.url, 'hooked')
  clients.push(a)
  a.doc.getText('t').insert(0, 'one')
  await waitUntil('the hook is called', () => events.length === 1)
  storage.hold()
  a.doc.getText('t').insert(3, ' two')
  await waitUntil('the edit waits for its commit', () => storage.started > storage.committed.length)
  expect(events.length).toBe(1)
  storage.release()
  await waitUntil('the hook is called again', () => events.length === 2)
  expect(events.map((e) => [e.documentName, e.seq, e.local])).toEqual([
    ['hooked', 1, true],
    ['hooked', 2, true],
  ])
  const replay = new Y.Doc()
  for (const e of events) Y.applyUpdate(replay, e.update)
  expect(replay.getText('t').toString()).toBe('one two')
})

it('isolates a hook that throws or hangs: the relay syncs on and later calls still run', async () => {
  dir = await makeTempDir('on-change')
  const seen: number[] = []
  relay = await startRelay({
    logger: createLogger('silent'),
    port: 0,
    dataDir: dir,
    hooks: {
      hookTimeoutMs: 100,
      onChange: ({ seq }) => {
        seen.push(seq)
        if (seq === 1) throw new Error('hook bug')
        if (seq === 2) return new Promise<void>(() => {})
      },
    },
  })
  const a = await syncedClient(relay.url, 'fragile')
  const b = await syncedClient(relay.url, 'fragile')
  clients.push(a, b)
  for (const word of ['a', 'b', 'c']) {
    a.doc.getText('t').insert(0, word)
    await waitUntil(`b sees ${word}`, () => b.doc.getText('t').toString().startsWith(word))
  }
  await waitUntil('the call after the hanging one runs', () => seen.length === 3)
  expect(seen).toEqual([1, 2, 3])
  const metrics = relay.metrics
  expect(metrics.value('tandem_hook_failures_total', { hook: 'onChange', reason: 'error' })).toBe(1)
  expect(metrics.value('tandem_hook_failures_total', { hook: 'onChange', reason: 'timeout' })).toBe(1)
})
