import { recordValues } from '@tandem/records'
import { createLogger, MemoryHub, MemoryPubSub, PostgresDocStorage, type Relay, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { waitUntil } from '../helpers/wait.ts'
import { settled } from '../records/recordsRig.ts'
import { pullAll, seqOf, setMutation } from '../records/recordsWire.ts'

const available = await postgresAvailable()
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function threeInstances(): Promise<Relay[]> {
  const schema = uniqueSchema('tandem_crec')
  cleanups.push(() => dropSchema(schema))
  const hub = new MemoryHub()
  const relays: Relay[] = []
  for (let i = 0; i < 3; i++) {
    const storage = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 })
    const relay = await startRelay({
      port: 0,
      storage,
      pubsub: new MemoryPubSub(hub),
      logger: createLogger('silent'),
      purgeIntervalMs: 0,
    })
    cleanups.push(() => relay.close())
    relays.push(relay)
  }
  return relays
}

const http = (r: Relay) => r.url.replace('ws:', 'http:')

describe.runIf(available)('records on three instances sharing PostgreSQL', () => {
  it('concurrent writers on every instance: a pulling reader and a live subscriber miss nothing', async () => {
    const relays = await threeInstances()
    const live = tandemClient(relays[2]!.url)
    cleanups.push(() => live.destroy())
    const tasks = live.records('tasks')
    await settled(tasks)
    const perWriter = 40
    let done = false
    let token = ''
    let lastSeq = 0
    const seen = new Map<string, unknown>()
    const reader = (async () => {
      for (let i = 0; i < 10_000; i++) {
        // Read `done` before pulling: only a pull that started after every write may end the loop.
        const writersDone = done
        const page = await pullAll(http(relays[0]!), 'tasks', token, {}, 7)
        for (const p of page.pages) {
          expect(p.reset).toBe(false)
          expect(seqOf(p.token)).toBeGreaterThanOrEqual(lastSeq)
          lastSeq = seqOf(p.token)
        }
        for (const [id, r] of page.records) seen.set(id, recordValues(r)?.n)
        token = page.token
        if (writersDone && page.records.size === 0) break
      }
    })()
    await Promise.all(
      relays.map(async (relay, w) => {
        for (let i = 0; i < perWriter; i++) {
          const res = await fetch(`${http(relay)}/v1/records/tasks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ mutations: [setMutation(`w${w}-r${i % 4}`, { n: i }, { node: `writer${w}` })] }),
          })
          expect(res.status).toBe(200)
        }
      }),
    )
    done = true
    await reader
    expect(lastSeq).toBe(relays.length * perWriter)
    for (let w = 0; w < relays.length; w++) {
      for (let r = 0; r < 4; r++) expect(seen.get(`w${w}-r${r}`)).toBe(perWriter - 4 + r)
    }
    // The socket subscriber on instance 2 heard every other instance's commits too.
    await waitUntil('the live subscriber to hold every final value', () =>
      relays.every((_, w) => [0, 1, 2, 3].every((r) => tasks.get(`w${w}-r${r}`)?.n === perWriter - 4 + r)),
    )
  })
})
