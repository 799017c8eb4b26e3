import { afterEach, expect, it } from 'vitest'
import { docFingerprint, type StockClient, syncedClient } from '../helpers/client.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * Graceful stop: on SIGTERM the relay commits, closes sockets with a proper close frame and
 * exits 0 within 5 s, even with a peer that no longer reads (it cannot complete a close
 * handshake, so the relay must not wait for it).
 */

const clients: StockClient[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  killAllServers()
  for (const d of dirs.splice(0)) await removeDir(d)
})

it('exits 0 within 5 s of SIGTERM, closing clients cleanly and keeping their edits', async () => {
  const dir = await makeTempDir('sigterm')
  dirs.push(dir)
  const server = await spawnServer({ dataDir: dir })
  const a = await syncedClient(server.url, 'term-doc')
  const b = await syncedClient(server.url, 'term-doc')
  clients.push(a, b)
  const raw = await openRaw(`${server.url}/term-doc`)
  const stalled = await openRaw(`${server.url}/other-doc`)
  ;(stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause()

  for (let i = 0; i < 300; i++) a.doc.getText('text').insert(0, `${i},`)
  const expected = docFingerprint(a.doc, { text: ['text'] })
  await waitUntil('b has every edit', () => docFingerprint(b.doc, { text: ['text'] }) === expected)
  // more edits in flight at the moment of the signal: committed or not, nothing must break
  for (let i = 0; i < 100; i++) a.doc.getMap('late').set(`k${i}`, i)

  const stop = await server.terminate()
  expect({ code: stop.code, signal: stop.signal }).toEqual({ code: 0, signal: null })
  expect(stop.ms).toBeLessThan(5_000)
  // a close frame, not a dropped TCP connection (1006)
  expect([1000, 1001]).toContain((await raw.closed).code)
  stalled.ws.terminate()

  const restarted = await spawnServer({ dataDir: dir })
  const fresh = await syncedClient(restarted.url, 'term-doc')
  clients.push(fresh)
  expect(docFingerprint(fresh.doc, { text: ['text'] })).toBe(expected)
  await restarted.terminate()
})

it('exits 0 on SIGTERM sent right after it printed that it listens', async () => {
  // An orchestrator may stop a server the moment it reports ready: its handler must be in
  // place by then. The window is short, so several servers are tried.
  const stopOnceReady = async () => {
    const dir = await makeTempDir('sigterm-idle')
    dirs.push(dir)
    const server = await spawnServer({ dataDir: dir })
    const stop = await server.terminate()
    return { code: stop.code, signal: stop.signal, fast: stop.ms < 5_000 }
  }
  const results = []
  for (let round = 0; round < 3; round++) results.push(...(await Promise.all([stopOnceReady(), stopOnceReady()])))
  expect(results).toEqual(results.map(() => ({ code: 0, signal: null, fast: true })))
})
