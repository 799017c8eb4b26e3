import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { connectClient } from '../helpers/client.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})
afterAll(killAllServers)

describe('@tandem/client with a server that crashes or freezes', () => {
  it('never holds an ack for a change the server lost: kill -9 mid-stream, restart, all acked edits present', async () => {
    const dir = await makeTempDir('client-kill9')
    cleanups.push(() => removeDir(dir))
    const first = await spawnServer({ dataDir: dir })
    const t = tandemClient(first.url)
    cleanups.push(() => t.destroy())
    const h = t.doc('crash')
    const list = h.doc.getArray<number>('edits')
    await h.whenSaved()
    // One edit per item, as fast as the socket takes them; kill the server while they flow.
    let i = 0
    const writer = setInterval(() => {
      for (let k = 0; k < 20; k++) list.push([++i])
    }, 1)
    await waitUntil('some acks', () => h.progress().acked > 200)
    await first.kill9()
    clearInterval(writer)
    const acked = h.progress().acked
    expect(acked).toBeGreaterThan(200)
    expect(acked).toBeLessThan(h.progress().last)
    // Each local change is one push of one number, so change n holds the value n.
    const second = await spawnServer({ dataDir: dir, port: first.port })
    cleanups.push(async () => void (await second.kill9()))
    const fresh = connectClient(second.url, 'crash')
    cleanups.push(() => fresh.destroy())
    await fresh.synced
    const present = new Set(fresh.doc.getArray<number>('edits').toArray())
    const lost = Array.from({ length: acked }, (_, k) => k + 1).filter((n) => !present.has(n))
    console.log(`kill -9 with ${h.progress().last} edits made, ${acked} acked: ${lost.length} acked edits lost`)
    expect(lost).toEqual([])
    // The client reconnects by itself and everything else arrives too.
    await h.whenSaved()
    await waitUntil('the fresh client to hold every edit', () => fresh.doc.getArray('edits').length === i)
  })

  it('leaves saved within the heartbeat window when the server freezes (SIGSTOP)', async () => {
    const dir = await makeTempDir('client-freeze')
    cleanups.push(() => removeDir(dir))
    const server = await spawnServer({ dataDir: dir })
    cleanups.push(async () => {
      server.child.kill('SIGCONT')
      await server.kill9()
    })
    const t = tandemClient(server.url, {
      transport: { pingMs: 200, deadAfterMs: 1_000, backoff: { baseMs: 50, capMs: 200 } },
    })
    cleanups.push(() => t.destroy())
    const h = t.doc('freeze')
    h.doc.getText('t').insert(0, 'x')
    await h.whenSaved()
    server.child.kill('SIGSTOP')
    const frozenAt = Date.now()
    await waitUntil('status to leave saved', () => h.status.value.state !== 'saved', { timeoutMs: 5_000 })
    const ms = Date.now() - frozenAt
    console.log(`frozen server noticed after ${ms} ms (deadAfterMs 1000, ping 200)`)
    expect(ms).toBeLessThan(3_000)
    // A change made while frozen is pending and never shows saved until the server answers.
    h.doc.getText('t').insert(1, 'y')
    await sleep(300)
    expect(h.status.value.state).not.toBe('saved')
    server.child.kill('SIGCONT')
    await h.whenSaved()
    expect(h.status.value.pending).toBe(0)
  })
})
