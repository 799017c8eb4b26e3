import { describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { cleanupAfterAll, clusterAvailable, clusterRig } from '../helpers/clusterRig.ts'
import { startCutProxy } from '../helpers/cutProxy.ts'
import { REDIS_URL } from '../helpers/services.ts'
import { waitUntil } from '../helpers/wait.ts'

const available = await clusterAvailable()
const stops = cleanupAfterAll()

const http = (url: string, path: string) => fetch(`${url.replace('ws:', 'http:')}${path}`)

describe.runIf(available)('Redis outage', () => {
  it('each instance keeps serving its own clients, and they converge when Redis returns', async () => {
    const rig = await clusterRig('redisout', stops)
    const redis = await startCutProxy(REDIS_URL)
    stops.push(() => redis.close())
    const start = (i: number) => rig.start(i, { redis: redis.url })
    const [a, b] = await Promise.all([start(0), start(1)])
    const ta = tandemClient(a.url)
    const tb = tandemClient(b.url)
    stops.push(
      () => ta.destroy(),
      () => tb.destroy(),
    )
    const ha = ta.doc('shared')
    const hb = tb.doc('shared')
    ha.doc.getMap('m').set('a', 1)
    await waitUntil('B to see A through Redis', () => hb.doc.getMap('m').get('a') === 1)

    redis.cut()
    await waitUntil('readiness to name pub/sub as down', async () => {
      const r = await http(a.url, '/readyz')
      return r.status === 503 && ((await r.json()) as { down: string[] }).down.includes('pubsub')
    })
    // Storage still works: each instance commits and acks its own clients' edits.
    ha.doc.getMap('m').set('during-a', 2)
    hb.doc.getMap('m').set('during-b', 3)
    await Promise.all([ha.whenSaved(), hb.whenSaved()])
    const tl = tandemClient(b.url)
    stops.push(() => tl.destroy())
    const late = tl.doc('shared')
    await late.whenSaved()
    expect(late.doc.getMap('m').get('during-b')).toBe(3)

    redis.restore()
    await waitUntil('both instances to converge through storage after Redis returns', () =>
      [ha, hb, late].every((h) => h.doc.getMap('m').get('during-a') === 2 && h.doc.getMap('m').get('during-b') === 3),
    )
    await waitUntil('readiness to return', async () => (await http(b.url, '/readyz')).status === 200)
  })

  it('an instance whose own Redis link was cut tells the others to read again: nothing it committed meanwhile is missed', async () => {
    const rig = await clusterRig('redishalf', stops)
    // Only B's link goes through the proxy: A never loses Redis, so nothing makes it resync
    // unless B says so.
    const bLink = await startCutProxy(REDIS_URL)
    stops.push(() => bLink.close())
    const start = (i: number, redis: string) => rig.start(i, { redis })
    const [a, b] = await Promise.all([start(0, REDIS_URL), start(1, bLink.url)])
    const ta = tandemClient(a.url)
    const tb = tandemClient(b.url)
    stops.push(
      () => ta.destroy(),
      () => tb.destroy(),
    )
    const ha = ta.doc('half')
    const hb = tb.doc('half')
    ha.doc.getMap('m').set('a', 1)
    await waitUntil('B to see A through Redis', () => hb.doc.getMap('m').get('a') === 1)

    bLink.cut()
    await waitUntil('B names pub/sub as down', async () => {
      const r = await http(b.url, '/readyz')
      return r.status === 503
    })
    hb.doc.getMap('m').set('b-while-cut', 2)
    ha.doc.getMap('m').set('a-while-cut', 3)
    await Promise.all([ha.whenSaved(), hb.whenSaved()])
    bLink.restore()
    await waitUntil(
      'both converge: B reads what A committed, and A is told to read what B committed',
      () =>
        [ha, hb].every((h) => h.doc.getMap('m').get('b-while-cut') === 2 && h.doc.getMap('m').get('a-while-cut') === 3),
      { timeoutMs: 20_000 },
    )
  })
})
