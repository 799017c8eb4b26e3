// Webhooks end to end: `tandem-server --webhook-url` in a child process, a real receiving HTTP
// server on loopback, stock y-websocket clients and REST record writes. Signatures verify; a
// receiver that is down while the relay is killed with SIGKILL and restarted still gets every
// event, each accepted once (ids to dedupe).
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { verifyWebhook } from '@tandem/server'
import { afterAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { syncedClient } from '../helpers/client.ts'
import { killAllServers, metricsOf, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { rest } from '../records/recordsRig.ts'
import { setMutation } from '../records/recordsWire.ts'

const SECRET = 'webhook-secret-0123456789'

async function serverText(http: string, doc: string): Promise<string> {
  const res = await fetch(`${http}/v1/docs/${doc}`)
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(await res.arrayBuffer()))
  return d.getText('t').toString()
}

interface Received {
  id: string
  type: string
  data: Record<string, unknown>
  signed: boolean
}

const stops: (() => unknown)[] = []
afterAll(async () => {
  for (const stop of stops.reverse()) await stop()
  killAllServers()
})

/** A receiver that can be "down" (answering 503, as a failing deploy does). */
async function startReceiver() {
  const accepted: Received[] = []
  let refused = 0
  let down = false
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (down) {
        refused++
        return void res.writeHead(503).end()
      }
      const raw = Buffer.concat(chunks).toString('utf8')
      const event = JSON.parse(raw) as Omit<Received, 'signed'>
      const signed = verifyWebhook(SECRET, raw, req.headers['x-tandem-signature-256'] as string | undefined)
      accepted.push({ ...event, signed })
      expect(req.headers['x-tandem-event-id']).toBe(event.id)
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stops.push(() => new Promise((resolve) => server.close(resolve)))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    accepted,
    refused: () => refused,
    setDown: (d: boolean) => {
      down = d
    },
  }
}

it('delivers signed events, and every event survives a receiver outage across a kill -9', async () => {
  const dir = await makeTempDir('webhooks')
  stops.push(() => removeDir(dir))
  const secretFile = join(dir, 'hook-secret')
  await writeFile(secretFile, `${SECRET}\n`)
  const receiver = await startReceiver()
  const args = ['--webhook-url', receiver.url, '--webhook-secret-file', secretFile, '--webhook-debounce-ms', '1000']
  let server: ServerProcess = await spawnServer({ dataDir: join(dir, 'data'), extraArgs: args })
  const port = server.port
  const http = () => `http://127.0.0.1:${port}`

  const a = await syncedClient(server.url, 'hooked')
  for (let i = 0; i < 20; i++) a.doc.getText('t').insert(0, `${i} `)
  await waitUntil(
    'created, connected and changed arrive',
    () =>
      ['document.created', 'client.connected', 'document.changed'].every((t) =>
        receiver.accepted.some((e) => e.type === t),
      ),
    { timeoutMs: 10_000 },
  )
  expect(receiver.accepted.every((e) => e.signed)).toBe(true)
  // Debounced: twenty edits in a burst are one or two change events, not twenty.
  const changed = receiver.accepted.filter((e) => e.type === 'document.changed')
  expect(changed.length).toBeLessThanOrEqual(2)
  expect(changed[0]!.data).toMatchObject({ documentName: 'hooked' })
  expect(changed.reduce((n, e) => n + (e.data.changes as number), 0)).toBeGreaterThanOrEqual(1)

  // The receiver goes down; events keep happening; the relay is killed and restarted.
  receiver.setDown(true)
  const before = receiver.accepted.length
  a.doc.getText('t').insert(0, 'while the receiver is down ')
  const push = await rest(`${http()}/v1/records/tasks`, {
    method: 'POST',
    body: { mutations: [setMutation('t1', { title: 'queued' })] },
  })
  expect(push.status).toBe(200)
  await waitUntil('the receiver refused some', () => receiver.refused() > 0, { timeoutMs: 10_000 })
  a.destroy()
  // A change still in its debounce window when the relay dies is kept too.
  const b = await syncedClient(server.url, 'hooked')
  b.doc.getText('t').insert(0, 'last words ')
  // Committed (so acknowledged), and well inside its 1 s debounce: then the kill.
  await waitUntil('the last change is stored', async () => (await serverText(http(), 'hooked')).includes('last words'))
  await server.kill9()
  b.destroy()
  server = await spawnServer({ dataDir: join(dir, 'data'), port, extraArgs: args })
  stops.push(() => server.kill9())
  receiver.setDown(false)

  const after = () => receiver.accepted.slice(before)
  await waitUntil(
    'every queued event arrives',
    () =>
      after().some((e) => e.type === 'records.changed') &&
      after().some((e) => e.type === 'client.disconnected') &&
      after().filter((e) => e.type === 'document.changed').length >= 1,
    { timeoutMs: 20_000 },
  )
  const records = after().find((e) => e.type === 'records.changed')!
  expect(records.data).toMatchObject({ collection: 'tasks', ids: ['t1'] })
  await waitUntil(
    'the debounced change of the killed relay arrives',
    async () => {
      const m = await metricsOf(server)
      return (m.get('tandem_webhook_queue') ?? 1) === 0
    },
    { timeoutMs: 20_000 },
  )
  const ids = receiver.accepted.map((e) => e.id)
  expect(new Set(ids).size, 'each event accepted once').toBe(ids.length)
  expect(receiver.accepted.every((e) => e.signed)).toBe(true)
  // Both change batches of the outage are there: the one before and the one during the kill.
  const changesAfter = after()
    .filter((e) => e.type === 'document.changed')
    .reduce((n, e) => n + (e.data.changes as number), 0)
  expect(changesAfter).toBeGreaterThanOrEqual(2)
}, 90_000)
