import { afterAll, describe, it } from 'vitest'
import { connectClient, type StockClient } from '../helpers/client.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import {
  dropSchema,
  POSTGRES_URL,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  uniqueSchema,
} from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

// Presence lives in no storage: an instance that starts serving a room must be told who is
// already there, and what its clients announce in its first moments must reach the others.
// Stock clients re-announce only every 15 s, so waiting 8 s tells the two apart.

const available = (await postgresAvailable()) && (await redisAvailable())
const stops: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const s of stops.splice(0).reverse()) await s()
  killAllServers()
})

const names = (c: StockClient) =>
  [...c.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name)

describe.runIf(available)('presence across two instances', () => {
  it('reaches an instance from the first moment it serves the room, both ways', async () => {
    const schema = uniqueSchema('tandem_presence')
    const dir = await makeTempDir('presence')
    stops.push(
      () => dropSchema(schema),
      () => removeDir(dir),
    )
    const env = { TANDEM_POSTGRES_SCHEMA: schema, TANDEM_REDIS_PREFIX: `${schema}:` }
    const start = (i: number) =>
      spawnServer({ dataDir: `${dir}/${i}`, extraArgs: ['--postgres', POSTGRES_URL, '--redis', REDIS_URL], env })
    const a = await start(0)
    const ann = connectClient(a.url, 'room')
    stops.push(() => ann.destroy())
    ann.provider.awareness.setLocalStateField('user', { name: 'ann' })
    await ann.synced

    // B has never served the room (nor anything): its first client announces at once.
    const b = await start(1)
    const bob = connectClient(b.url, 'room')
    stops.push(() => bob.destroy())
    bob.provider.awareness.setLocalStateField('user', { name: 'bob' })
    await waitUntil('bob on B to see ann, announced on A before B served the room', () => names(bob).includes('ann'), {
      timeoutMs: 8_000,
    })
    await waitUntil('ann on A to see bob, announced in B’s first moments', () => names(ann).includes('bob'), {
      timeoutMs: 8_000,
    })
  })
})
