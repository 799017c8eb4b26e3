import { describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { connectClient } from '../helpers/client.ts'
import { cleanupAfterAll, clusterAvailable, clusterRig } from '../helpers/clusterRig.ts'
import type { ServerProcess } from '../helpers/serverProcess.ts'
import { startTcpProxy } from '../helpers/tcpProxy.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

const available = await clusterAvailable()
const stops = cleanupAfterAll()

describe.runIf(available)('graceful drain', () => {
  it('SIGTERM on one instance: its clients reconnect to the other and nothing is lost', async () => {
    const rig = await clusterRig('drain', stops)
    const start = (i: number) => rig.start(i)
    const a: ServerProcess = await start(0)
    const b: ServerProcess = await start(1)
    // Everyone lands on A first; B takes over when A drains.
    const proxy = await startTcpProxy([a.port])
    stops.push(
      () => proxy.close(),
      async () => void (await b.kill9()),
    )
    const t = tandemClient(proxy.url)
    stops.push(() => t.destroy())
    const h = t.doc('drained')
    const list = h.doc.getArray<number>('n')
    await h.whenSaved()
    proxy.setBackends([a.port, b.port])
    let n = 0
    const writer = setInterval(() => list.push([++n]), 5)
    await sleep(300)
    const exit = await a.terminate()
    expect(exit.code).toBe(0)
    expect(exit.ms).toBeLessThan(5_000)
    proxy.setBackends([b.port])
    await sleep(300)
    clearInterval(writer)
    await h.whenSaved()
    const reader = connectClient(proxy.url, 'drained')
    stops.push(() => reader.destroy())
    await reader.synced
    await waitUntil('every edit on the surviving instance', () => reader.doc.getArray('n').length === n)
    expect(reader.doc.getArray<number>('n').toArray()).toEqual(Array.from({ length: n }, (_, i) => i + 1))
  })
})
