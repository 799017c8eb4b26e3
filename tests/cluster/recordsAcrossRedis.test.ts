import { describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { cleanupAfterAll, clusterAvailable, clusterRig } from '../helpers/clusterRig.ts'
import { waitUntil } from '../helpers/wait.ts'
import { settled } from '../records/recordsRig.ts'
import { pullAll, seqOf, setMutation } from '../records/recordsWire.ts'

// Two relay processes on one PostgreSQL schema and one Redis prefix: records written through
// instance A reach a client that is live on instance B, in order, without that client pulling.
//
// This found a bug: an instance whose first Redis SUBSCRIBE was lost with its first connection
// heard nothing on that channel afterwards (here the records channel: one catch-up from the
// resync, then silence while its client stayed `synced`); RedisPubSub now resubscribes every
// channel on every connect.

const available = await clusterAvailable()
const stops = cleanupAfterAll()

describe.runIf(available)('records across two instances on Redis', () => {
  it('commits on A reach a live client on B in sequence order, with no pull by the client', async () => {
    const rig = await clusterRig('recredis', stops)
    const start = (i: number) => rig.start(i)
    const a = await start(0)
    const b = await start(1)
    const client = tandemClient(b.url)
    stops.push(() => client.destroy())
    const tasks = client.records('tasks')
    await settled(tasks)
    // A client pulls only when its channel (re)subscribes, and is `syncing` while it does.
    let pulls = 0
    const seen = new Map<string, number[]>()
    stops.push(
      tasks.status.subscribe((s) => {
        if (s.state === 'syncing') pulls++
      }),
      tasks.subscribe(({ ids, source }) => {
        if (source !== 'server') return
        for (const id of ids) {
          const n = tasks.get(id)?.n
          if (typeof n === 'number') seen.set(id, [...(seen.get(id) ?? []), n])
        }
      }),
    )

    const aHttp = a.url.replace('ws:', 'http:')
    const rounds = 30
    for (let i = 0; i < rounds; i++) {
      const res = await fetch(`${aHttp}/v1/records/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mutations: [setMutation(`r${i % 3}`, { n: i }, { node: 'writer-a' })] }),
      })
      expect(res.status).toBe(200)
    }
    await waitUntil('B’s live client to hold A’s last value of every record', () =>
      [0, 1, 2].every((r) => tasks.get(`r${r}`)?.n === rounds - 3 + r),
    ).catch(async (err: Error) => {
      // B's REST serves every value when this fails: the live path is what stalls.
      const fromB = await pullAll(b.url.replace('ws:', 'http:'), 'tasks', '', {}, 100)
      const served = JSON.stringify([...fromB.records.values()].map((r) => [r.id, r.fields]))
      const held = JSON.stringify({ records: tasks.all(), status: tasks.status.value, seen: [...seen] })
      throw new Error(`${err.message}; client holds ${held}; B's REST serves ${served}`)
    })
    expect(pulls, 'the client pulled (resubscribed) instead of receiving live').toBe(0)
    // Each record's values arrived in commit order: never an older one after a newer one.
    for (const [id, values] of seen) expect(values, id).toEqual([...values].sort((x, y) => x - y))

    // Storage agrees: B serves the whole sequence, gap-free, from its first number to the head.
    const page = await pullAll(b.url.replace('ws:', 'http:'), 'tasks', '', {}, 7)
    expect(seqOf(page.token)).toBe(rounds)
  })
})
