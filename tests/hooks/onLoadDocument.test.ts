// onLoadDocument against a real relay on port 0: a new document seeded by the hook reaches the
// first client already stored (a restart without the hook still has it), the hook sees what
// is stored and seeds only once, and a hook that throws fails that document's load only.
import { CloseCode } from '@tandem/protocol'
import { createLogger, type LoadDocumentEvent, type Relay, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { stockOutcome } from '../auth/authRig.ts'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

let relay: Relay | undefined
let dir: string | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay?.close()
  relay = undefined
  if (dir) await removeDir(dir)
})

/** A template, as an app would keep it elsewhere: the same bytes each time, so seeding twice merges once. */
const template = (() => {
  const d = new Y.Doc()
  d.clientID = 1
  d.getText('t').insert(0, 'from the template')
  return Y.encodeStateAsUpdate(d)
})()

const start = (onLoadDocument?: (e: LoadDocumentEvent) => void | Promise<void>) =>
  startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    hooks: onLoadDocument ? { onLoadDocument, hookTimeoutMs: 500 } : undefined,
  })

it('seeds a new document before anyone is served, stored for good, once', async () => {
  dir = await makeTempDir('on-load')
  const seen: string[] = []
  relay = await start(async ({ documentName, doc }) => {
    seen.push(`${documentName}:${doc.getText('t').toString()}`)
    if (documentName.startsWith('tpl/') && doc.getText('t').length === 0) Y.applyUpdate(doc, template)
  })
  const a = await syncedClient(relay.url, 'tpl/one')
  clients.push(a)
  // The first sync already carries it: nobody ever sees the document empty.
  expect(a.doc.getText('t').toString()).toBe('from the template')
  a.doc.getText('t').insert(0, '> ')
  const b = await syncedClient(relay.url, 'plain')
  clients.push(b)
  expect(b.doc.getText('t').toString()).toBe('')
  await relay.close()
  for (const c of clients.splice(0)) c.destroy()

  // Restarted with the hook: it sees the stored state and leaves it.
  relay = await start(({ documentName, doc }) => void seen.push(`${documentName}:${doc.getText('t').toString()}`))
  const c = await syncedClient(relay.url, 'tpl/one')
  clients.push(c)
  expect(c.doc.getText('t').toString()).toBe('> from the template')
  expect(seen).toEqual(['tpl/one:', 'plain:', 'tpl/one:> from the template'])
  await relay.close()
  for (const cl of clients.splice(0)) cl.destroy()

  // And without it, the seed is in storage.
  relay = await start()
  const d = await syncedClient(relay.url, 'tpl/one')
  clients.push(d)
  expect(d.doc.getText('t').toString()).toBe('> from the template')
})

it('a hook that throws or hangs fails that load only: its clients are closed, other documents served', async () => {
  dir = await makeTempDir('on-load')
  relay = await start(({ documentName }) => {
    if (documentName === 'broken') throw new Error('template store down')
    if (documentName === 'stuck') return new Promise<void>(() => {})
  })
  expect(await stockOutcome(`${relay.url}/broken`, 2_000)).toBe(CloseCode.StorageUnavailable)
  expect(await stockOutcome(`${relay.url}/stuck`, 2_000)).toBe(CloseCode.StorageUnavailable)
  const ok = await syncedClient(relay.url, 'fine')
  clients.push(ok)
  ok.doc.getText('t').insert(0, 'works')
  const other = await syncedClient(relay.url, 'fine')
  clients.push(other)
  expect(other.doc.getText('t').toString()).toBe('works')
  expect(relay.metrics.value('tandem_hook_failures_total', { hook: 'onLoadDocument', reason: 'error' })).toBe(1)
  expect(relay.metrics.value('tandem_hook_failures_total', { hook: 'onLoadDocument', reason: 'timeout' })).toBe(1)
})
