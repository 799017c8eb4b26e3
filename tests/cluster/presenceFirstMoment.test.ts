import { describe, it } from 'vitest'
import { connectClient, type StockClient } from '../helpers/client.ts'
import { cleanupAfterAll, clusterAvailable, clusterRig } from '../helpers/clusterRig.ts'
import { waitUntil } from '../helpers/wait.ts'

// Presence lives in no storage: an instance that starts serving a room must be told who is
// already there, and what its clients announce in its first moments must reach the others.
// Stock clients re-announce only every 15 s, so waiting 8 s tells the two apart.

const available = await clusterAvailable()
const stops = cleanupAfterAll()

const names = (c: StockClient) =>
  [...c.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name)

describe.runIf(available)('presence across two instances', () => {
  it('reaches an instance from the first moment it serves the room, both ways', async () => {
    const rig = await clusterRig('presence', stops)
    const start = (i: number) => rig.start(i)
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
