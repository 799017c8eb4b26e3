import { createHash } from 'node:crypto'
import type { Tandem } from '@tandem/client'
import { afterAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { tandemClient } from '../client/tandemClient.ts'
import { connectClient, docFingerprint } from '../helpers/client.ts'
import { chance, createRng, intIn, pick, type Rng, testSeed, word } from '../helpers/prng.ts'
import { type RedisProcess, startRedis } from '../helpers/redisProcess.ts'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, redisAvailable, uniqueSchema } from '../helpers/services.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

/**
 * Three relay processes on one PostgreSQL and one Redis behind a round-robin TCP balancer.
 * Stock and Tandem clients edit two documents at random; mid-run one instance is killed with
 * SIGKILL (its clients reconnect through the balancer to the others) and later Redis is
 * restarted. At the end every replica and a fresh client agree and every pushed id is there.
 */
const available = (await postgresAvailable()) && (await redisAvailable())
const seed = testSeed('cluster fuzz')
const DOCS = ['cluster-a', 'cluster-b']
const STEPS = 1500

interface Replica {
  doc: Y.Doc
  name: string
  pushed: string[]
  synced(): boolean
  toggle(online: boolean): void
}

const stops: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const s of stops.reverse()) await s()
  killAllServers()
})

function edit(rng: Rng, r: Replica, tag: string): void {
  const text = r.doc.getText('text')
  const roll = intIn(rng, 0, 99)
  if (roll < 40) text.insert(intIn(rng, 0, text.length), word(rng))
  else if (roll < 55 && text.length > 0) text.delete(intIn(rng, 0, text.length - 1), 1)
  else if (roll < 90) {
    const id = `${tag}/${r.pushed.length}`
    r.pushed.push(id)
    r.doc.getArray<string>('ids').push([id])
  } else r.toggle(chance(rng, 0.5))
}

describe.runIf(available)('cluster fuzz', () => {
  it('converges across three instances through a SIGKILL of one and a Redis restart', async () => {
    const rng = createRng(seed)
    const schema = uniqueSchema('tandem_fuzz')
    const dir = await makeTempDir('cluster')
    const redis: RedisProcess = await startRedis()
    stops.push(
      () => redis.stop(),
      () => dropSchema(schema),
      () => removeDir(dir),
    )
    const env = { TANDEM_POSTGRES_SCHEMA: schema, TANDEM_REDIS_PREFIX: `fuzz${seed}:` }
    const start = (i: number) =>
      spawnServer({
        dataDir: `${dir}/${i}`,
        extraArgs: ['--postgres', POSTGRES_URL, '--redis', redis.url, '--log-level', 'error'],
        env,
      })
    const instances: ServerProcess[] = []
    for (let i = 0; i < 3; i++) instances.push(await start(i))
    const proxy: TcpProxy = await startTcpProxy(instances.map((s) => s.port))
    stops.push(() => proxy.close())

    const replicas: Replica[] = []
    for (let c = 0; c < 3; c++) {
      for (const name of DOCS) {
        const sc = connectClient(proxy.url, name)
        stops.push(() => sc.destroy())
        replicas.push({
          doc: sc.doc,
          name,
          pushed: [],
          synced: () => sc.provider.synced,
          toggle: (on) => (on ? sc.provider.connect() : sc.provider.disconnect()),
        })
      }
    }
    const tandems: Tandem[] = []
    for (let c = 0; c < 3; c++) {
      const t = tandemClient(proxy.url)
      tandems.push(t)
      stops.push(() => t.destroy())
      for (const name of DOCS) {
        const h = t.doc(name)
        replicas.push({
          doc: h.doc,
          name,
          pushed: [],
          synced: () => h.status.value.state === 'saved',
          toggle: (on) => t.setOnline(on),
        })
      }
    }
    await waitUntil('all replicas synced', () => replicas.every((r) => r.synced()), { timeoutMs: 20_000 })

    for (let step = 0; step < STEPS; step++) {
      if (step === Math.floor(STEPS / 3)) {
        await instances[0]!.kill9()
        proxy.setBackends([instances[1]!.port, instances[2]!.port])
      }
      if (step === Math.floor((2 * STEPS) / 3)) {
        await redis.stop()
        await sleep(300)
        await redis.start()
      }
      const r = pick(rng, replicas)
      edit(rng, r, `${replicas.indexOf(r)}`)
      if (chance(rng, 0.3)) await sleep(intIn(rng, 0, 3))
    }
    for (const r of replicas) r.toggle(true)
    const fingerprint = (d: Y.Doc) => docFingerprint(d, { text: ['text'], array: ['ids'] })
    const agree = (name: string) =>
      new Set(replicas.filter((r) => r.name === name).map((r) => fingerprint(r.doc))).size === 1
    // On a timeout, say which replicas lag and how (a flake under load must be diagnosable).
    const state = () =>
      replicas
        .map(
          (r, i) =>
            `${i}:${r.name}:${r.synced() ? 'synced' : 'unsynced'}:${createHash('sha1').update(fingerprint(r.doc)).digest('hex').slice(0, 8)}:${r.doc.getArray('ids').length}ids`,
        )
        .join(' ')
    await waitUntil(
      'all replicas synced and in agreement',
      () => replicas.every((r) => r.synced()) && DOCS.every(agree),
      {
        timeoutMs: 45_000,
        intervalMs: 100,
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message} (seed ${seed}; replicas ${state()})`)
    })
    for (const name of DOCS) {
      const mine = replicas.filter((r) => r.name === name)
      const pushed = mine.flatMap((r) => r.pushed).sort()
      const present = [...mine[0]!.doc.getArray<string>('ids').toArray()].sort()
      console.log(`cluster fuzz ${name}: ${pushed.length} ids pushed, ${present.length} present`)
      expect(present).toEqual(pushed)
      const fresh = connectClient(proxy.url, name)
      await fresh.synced
      expect(fingerprint(fresh.doc)).toBe(fingerprint(mine[0]!.doc))
      fresh.destroy()
    }
  }, 120_000)
})
