import { afterAll, describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { connectClient } from '../helpers/client.ts'
import { startCutProxy } from '../helpers/cutProxy.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

const available = await postgresAvailable()
const stops: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const s of stops.splice(0).reverse()) await s()
  killAllServers()
})

const http = (url: string, path: string) => fetch(`${url.replace('ws:', 'http:')}${path}`)

describe.runIf(available)('PostgreSQL outage', () => {
  it('stops acknowledging, keeps serving reads from memory, resumes and loses nothing', async () => {
    const schema = uniqueSchema('tandem_pgout')
    const dir = await makeTempDir('pgout')
    const proxy = await startCutProxy(POSTGRES_URL)
    stops.push(
      () => dropSchema(schema),
      () => removeDir(dir),
      () => proxy.close(),
    )
    const env = { TANDEM_POSTGRES_SCHEMA: schema }
    const server = await spawnServer({ dataDir: `${dir}/a`, extraArgs: ['--postgres', proxy.url], env })
    expect((await http(server.url, '/readyz')).status).toBe(200)

    const t = tandemClient(server.url)
    stops.push(() => t.destroy())
    const h = t.doc('outage')
    const text = h.doc.getText('t')
    text.insert(0, 'before ')
    const quiet = t.doc('quiet')
    quiet.doc.getText('t').insert(0, 'untouched')
    await Promise.all([h.whenSaved(), quiet.whenSaved()])

    proxy.cut()
    const down = await http(server.url, '/readyz')
    expect(down.status).toBe(503)
    expect(await down.json()).toMatchObject({ storage: false, down: ['storage'] })
    const health = await http(server.url, '/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ ok: true, down: ['storage'] })

    text.insert(text.length, 'during')
    // Not saved while storage is away: the status must not claim otherwise.
    await sleep(500)
    expect(h.status.value.state).not.toBe('saved')
    expect(h.status.value.pending).toBeGreaterThan(0)

    // A loaded document is still served from memory. One with a write waiting for storage is
    // served once that write is committed: a reader never sees what may not survive.
    const quietReader = connectClient(server.url, 'quiet')
    stops.push(() => quietReader.destroy())
    await quietReader.synced
    expect(quietReader.doc.getText('t').toString()).toBe('untouched')
    const reader = connectClient(server.url, 'outage')
    stops.push(() => reader.destroy())
    await sleep(300)
    expect(reader.doc.getText('t').toString()).toBe('')

    proxy.restore()
    await h.whenSaved()
    expect((await http(server.url, '/readyz')).status).toBe(200)
    await waitUntil(
      'the reader to get the edit made during the outage',
      () => reader.doc.getText('t').toString() === 'before during',
    )

    // What was acknowledged is in PostgreSQL: a new instance straight on it serves it.
    await server.kill9()
    const again = await spawnServer({ dataDir: `${dir}/b`, extraArgs: ['--postgres', POSTGRES_URL], env })
    const fresh = connectClient(again.url, 'outage')
    stops.push(
      () => fresh.destroy(),
      async () => void (await again.kill9()),
    )
    await fresh.synced
    expect(fresh.doc.getText('t').toString()).toBe('before during')
  })
})
