import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger, createRelay, type EmbeddedRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/** createRelay mounts on a server the application owns: its own routes keep working beside it. */

let server: Server | undefined
let relay: EmbeddedRelay | undefined
let dir: string | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay?.close()
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  if (dir) await removeDir(dir)
})

it('syncs stock clients through a relay mounted on an application http.Server', async () => {
  dir = await makeTempDir('embed')
  const mounted = await createRelay({ logger: createLogger('silent'), dataDir: dir })
  relay = mounted
  server = createServer((req, res) => {
    if (req.url === '/app') res.end('app route')
    else mounted.handleRequest(req, res)
  })
  server.on('upgrade', mounted.handleUpgrade)
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const base = `127.0.0.1:${(server.address() as AddressInfo).port}`

  expect(await (await fetch(`http://${base}/app`)).text()).toBe('app route')
  expect((await fetch(`http://${base}/healthz`)).status).toBe(200)
  const a = await syncedClient(`ws://${base}`, 'embedded')
  const b = await syncedClient(`ws://${base}`, 'embedded')
  clients.push(a, b)
  a.doc.getText('text').insert(0, 'through the host server')
  await waitUntil('b sees the edit', () => b.doc.getText('text').toString() === 'through the host server')
  expect(mounted.stats().connections).toBe(2)
})
