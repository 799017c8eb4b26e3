import { createLogger, Metrics, RecordService, SqliteRecordStorage } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { pullAll, setMutation } from '../records/recordsWire.ts'
import { assertServing } from './securityRig.ts'

// Four parallel 2 MB record pushes once held the event loop for over a second (one
// transaction of 10,000 mutations each): every socket and /healthz waited behind them.
let server: ServerProcess
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('large-bodies')
  server = await spawnServer({ dataDir: dir })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

const batch = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => setMutation(`${prefix}-${i}`, { title: 'x'.repeat(150), n: i }))

describe('large record bodies', () => {
  it('applies each mutation of a large push in slices, with the event loop free between them', async () => {
    const service = await RecordService.open({
      storage: new SqliteRecordStorage({ file: ':memory:' }),
      log: createLogger('silent'),
      metrics: new Metrics(),
    })
    const changes: number[] = []
    service.subscribe('tasks', { change: (c) => changes.push(c.records.length), remote: () => {} })
    let changesWhenOtherWorkRan = -1
    let pushDone = false
    const pushed = service.push('tasks', batch('slice', 1_000), true).then((r) => {
      pushDone = true
      return r
    })
    // other work (a socket's frame, a health check) queued just after the push started
    setImmediate(() => {
      changesWhenOtherWorkRan = pushDone ? Number.POSITIVE_INFINITY : changes.length
    })
    const results = await pushed
    expect(results.every((r) => r.status === 'applied')).toBe(true)
    expect(changes.reduce((a, b) => a + b, 0)).toBe(1_000)
    expect(changes.length).toBeGreaterThan(1)
    // the other work ran while the push was still being applied, not after all of it
    expect(changesWhenOtherWorkRan).toBeLessThan(changes.length)
    await service.close()
  })

  it('four parallel 2 MB pushes to a real relay all apply, and it keeps answering meanwhile', async () => {
    const http = server.url.replace('ws:', 'http:')
    const bodies = [0, 1, 2, 3].map((k) => JSON.stringify({ mutations: batch(`big${k}`, 8_000) }))
    expect(bodies[0]!.length).toBeGreaterThan(2_000_000)
    let answered = 0
    let stop = false
    const poll = (async () => {
      for (let i = 0; i < 10_000 && !stop; i++) {
        if ((await fetch(`${http}/healthz`)).ok) answered++
      }
    })()
    const statuses = await Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(`${http}/v1/records/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await res.arrayBuffer()
        return res.status
      }),
    )
    stop = true
    await poll
    expect(statuses).toEqual([200, 200, 200, 200])
    expect(answered).toBeGreaterThan(0)
    expect((await pullAll(http, 'tasks', '')).records.size).toBe(32_000)
    await assertServing(server)
  })
})
