import { join } from 'node:path'
import { encodeUpdate } from '@tandem/protocol'
import { createLogger, MemoryPubSub, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { GatedStorage } from '../unit/server/gatedStorage.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relay(options: Parameters<typeof startRelay>[0] = {}): Promise<{ relay: Relay; storage: GatedStorage }> {
  const dir = await makeTempDir('ops')
  const storage = new GatedStorage(new SqliteDocStorage({ file: join(dir, 'db.sqlite') }))
  const r = await startRelay({ port: 0, dataDir: dir, storage, logger: createLogger('silent'), ...options })
  cleanups.push(
    () => removeDir(dir),
    () => r.close(),
  )
  return { relay: r, storage }
}

const http = (r: Relay, path: string) => fetch(`${r.url.replace('ws:', 'http:')}${path}`)

describe('metrics and readiness', () => {
  it('exposes connections, documents, updates, bytes, commit and ack latency, and rejections', async () => {
    const { relay: r } = await relay()
    const t = tandemClient(r.url)
    cleanups.push(() => t.destroy())
    const h = t.doc('m')
    h.doc.getText('t').insert(0, 'hello')
    await h.whenSaved()
    const raw = await openRaw(`${r.url}/bad`)
    raw.ws.send(new Uint8Array([0, 2, 0xff]))
    await raw.closed
    const text = await (await http(r, '/metrics')).text()
    for (const line of [
      /^tandem_connections 1$/m,
      /^tandem_documents_loaded \d+$/m,
      /^tandem_updates_committed_total [1-9]\d*$/m,
      /^tandem_bytes_in_total [1-9]\d*$/m,
      /^tandem_bytes_out_total [1-9]\d*$/m,
      /^tandem_commit_seconds_count [1-9]\d*$/m,
      /^tandem_ack_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m,
      /^tandem_rejected_frames_total\{reason="code_4400"\} 1$/m,
    ]) {
      expect(text).toMatch(line)
    }
    expect(r.metrics.value('tandem_connections_total')).toBeGreaterThanOrEqual(2)
  })

  it('/readyz is 200 while storage and pub/sub work, 503 when either does not', async () => {
    const pubsub = new MemoryPubSub()
    const { relay: r, storage } = await relay({ pubsub })
    expect((await http(r, '/readyz')).status).toBe(200)
    pubsub.setConnected(false)
    const down = await http(r, '/readyz')
    expect(down.status).toBe(503)
    expect(await down.json()).toMatchObject({ storage: true, pubsub: false })
    pubsub.setConnected(true)
    expect((await http(r, '/readyz')).status).toBe(200)
    storage.failLoads = true
    expect((await http(r, '/readyz')).status).toBe(503)
    expect((await http(r, '/healthz')).status).toBe(200)
  })

  it('counts storage errors', async () => {
    const { relay: r, storage } = await relay({ commitRetryMs: 0 })
    storage.failAppends = true
    const raw = await openRaw(`${r.url}/e`)
    const d = new (await import('yjs')).Doc()
    d.getText('t').insert(0, 'x')
    raw.ws.send(encodeUpdate((await import('yjs')).encodeStateAsUpdate(d)))
    await raw.closed
    await waitUntil('the error to be counted', () => r.metrics.value('tandem_storage_errors_total') === 1)
  })
})
