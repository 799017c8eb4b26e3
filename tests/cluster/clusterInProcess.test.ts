import { createLogger, MemoryHub, MemoryPubSub, PostgresDocStorage, type Relay, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { connectClient, type StockClient } from '../helpers/client.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

const available = await postgresAvailable()
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Two relays sharing one PostgreSQL schema and one in-process pub/sub hub. */
async function twoInstances(): Promise<{ a: Relay; b: Relay; pubsubB: MemoryPubSub }> {
  const schema = uniqueSchema('tandem_cluster')
  cleanups.push(() => dropSchema(schema))
  const hub = new MemoryHub()
  const start = async (pubsub: MemoryPubSub) => {
    const storage = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 })
    const relay = await startRelay({
      port: 0,
      storage,
      pubsub,
      logger: createLogger('silent'),
      dataDir: '/tmp/unused-records',
    })
    cleanups.push(() => relay.close())
    return relay
  }
  const pubsubB = new MemoryPubSub(hub)
  const a = await start(new MemoryPubSub(hub))
  const b = await start(pubsubB)
  return { a, b, pubsubB }
}

function client(url: string, doc: string): StockClient {
  const c = connectClient(url, doc)
  cleanups.push(() => c.destroy())
  return c
}

describe.runIf(available)('two relay instances on one PostgreSQL', () => {
  it('forwards committed updates and presence between instances', async () => {
    const { a, b } = await twoInstances()
    const [ca, cb] = [client(a.url, 'shared'), client(b.url, 'shared')]
    await Promise.all([ca.synced, cb.synced])
    ca.doc.getText('t').insert(0, 'from A')
    await waitUntil('B to get A’s edit', () => cb.doc.getText('t').toString() === 'from A')
    cb.doc.getText('t').insert(6, ', from B')
    await waitUntil('A to get B’s edit', () => ca.doc.getText('t').toString() === 'from A, from B')
    ca.provider.awareness.setLocalStateField('user', { name: 'ann' })
    await waitUntil('B to see A’s presence', () =>
      [...cb.provider.awareness.getStates().values()].some(
        (s) => (s as { user?: { name: string } }).user?.name === 'ann',
      ),
    )
    // A fresh client on either instance reads everything from the shared storage.
    const fresh = client(b.url, 'shared')
    await fresh.synced
    expect(fresh.doc.getText('t').toString()).toBe('from A, from B')
  })

  it('resyncs from storage after the pub/sub link was down, so nothing is missed', async () => {
    const { a, b, pubsubB } = await twoInstances()
    const [ca, cb] = [client(a.url, 'outage'), client(b.url, 'outage')]
    await Promise.all([ca.synced, cb.synced])
    pubsubB.setConnected(false)
    ca.doc.getText('t').insert(0, 'written during the outage')
    await sleep(200)
    expect(cb.doc.getText('t').toString()).toBe('')
    pubsubB.setConnected(true)
    await waitUntil(
      'B’s client to get the missed edit',
      () => cb.doc.getText('t').toString() === 'written during the outage',
    )
  })
})
