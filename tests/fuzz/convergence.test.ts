import type { Tandem } from '@tandem/client'
import { afterAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { tandemClient } from '../client/tandemClient.ts'
import { connectClient, docFingerprint, type StockClient } from '../helpers/client.ts'
import { chance, createRng, intIn, pick, type Rng, testSeed, word } from '../helpers/prng.ts'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

/**
 * Seeded convergence fuzz: stock y-websocket clients and Tandem clients (each Tandem client
 * carries both documents over its one socket) make random Y.Text / Y.Map /
 * Y.Array edits, drop and resume their connections, and live through a kill -9 of the relay
 * mid-run (restarted on the same data dir and port, while they keep editing). At the end all
 * replicas and a fresh client agree, every id anyone pushed is there, and a second crash
 * loses nothing of the converged state.
 *
 * Replay: FUZZ_SEED=<printed seed> npx vitest run tests/fuzz. The sequence of random choices is
 * the same; positions inside a text depend on what arrived by then, so timing still varies.
 */

const seed = testSeed('fuzz convergence')

const DOCS = ['fuzz-a', 'fuzz-b']
/** Clients 0..STOCK-1 are stock y-websocket clients, the rest Tandem clients. */
const CLIENTS = 6
const STOCK = 3
const STEPS = 3000
const shape = { text: ['text'], map: ['map'], array: ['list', 'ids'] }

/** What the fuzz needs of a client, stock or Tandem. */
interface Peer {
  doc: Y.Doc
  connect(): void
  disconnect(): void
  synced(): boolean
  destroy(): void
}

interface Replica {
  client: number
  docName: string
  sc: Peer
  /** Ids this replica pushed to its 'ids' array; none may ever be lost. */
  pushed: string[]
}

function stockPeer(url: string, docName: string): Peer {
  const c: StockClient = connectClient(url, docName)
  return {
    doc: c.doc,
    connect: () => c.provider.connect(),
    disconnect: () => c.provider.disconnect(),
    synced: () => c.provider.synced,
    destroy: () => c.destroy(),
  }
}

/** One Tandem client, both documents on its one socket: going offline takes both offline. */
function tandemPeers(url: string): Peer[] {
  const t: Tandem = tandemClient(url)
  return DOCS.map((name) => {
    const h = t.doc(name)
    return {
      doc: h.doc,
      connect: () => t.setOnline(true),
      disconnect: () => t.setOnline(false),
      synced: () => h.status.value.state === 'saved',
      destroy: () => t.destroy(),
    }
  })
}

const replicas: Replica[] = []
let dir = ''

afterAll(async () => {
  for (const r of new Set(replicas.map((x) => x.sc.destroy))) r()
  killAllServers()
  if (dir) await removeDir(dir)
})

function randomEdit(rng: Rng, r: Replica, step: number): void {
  const doc = r.sc.doc
  const text = doc.getText('text')
  const map = doc.getMap<string | number>('map')
  const list = doc.getArray<string>('list')
  const roll = intIn(rng, 0, 99)
  if (roll < 25) text.insert(intIn(rng, 0, text.length), word(rng))
  else if (roll < 35 && text.length > 0) {
    const at = intIn(rng, 0, text.length - 1)
    text.delete(at, Math.min(intIn(rng, 1, 5), text.length - at))
  } else if (roll < 50) map.set(`k${intIn(rng, 0, 7)}`, chance(rng, 0.5) ? word(rng) : step)
  else if (roll < 55) map.delete(`k${intIn(rng, 0, 7)}`)
  else if (roll < 65) list.insert(intIn(rng, 0, list.length), [word(rng)])
  else if (roll < 72 && list.length > 0) list.delete(intIn(rng, 0, list.length - 1), 1)
  else if (roll < 90) {
    // up to three ids in one transaction: one update carrying several changes
    const ids = Array.from({ length: intIn(rng, 1, 3) }, (_, i) => `${r.docName}/c${r.client}/${r.pushed.length + i}`)
    r.pushed.push(...ids)
    doc.transact(() => doc.getArray<string>('ids').push(ids))
  } else if (roll < 95) r.sc.disconnect()
  else r.sc.connect()
}

const fingerprint = (doc: Y.Doc) =>
  docFingerprint(doc, shape) + Buffer.from(Y.encodeStateVector(doc)).toString('base64')

async function freshFirstSync(url: string, docName: string): Promise<string> {
  let seen = ''
  const fresh = connectClient(url, docName, { onFirstSync: (doc) => (seen = fingerprint(doc)) })
  try {
    await waitUntil(`a fresh client of ${docName} synced`, () => seen !== '', { timeoutMs: 15_000 })
  } finally {
    fresh.destroy()
  }
  return seen
}

it('converges after random edits, disconnects and a kill -9 mid-run', async () => {
  const rng = createRng(seed)
  dir = await makeTempDir('fuzz')
  let server: ServerProcess = await spawnServer({ dataDir: dir })
  const { port } = server
  for (let client = 0; client < CLIENTS; client++) {
    const peers = client < STOCK ? DOCS.map((d) => stockPeer(server.url, d)) : tandemPeers(server.url)
    for (const [i, docName] of DOCS.entries()) replicas.push({ client, docName, sc: peers[i]!, pushed: [] })
  }
  await waitUntil('all replicas synced', () => replicas.every((r) => r.sc.synced()), { timeoutMs: 15_000 })

  const crashAt = intIn(rng, STEPS / 3, (2 * STEPS) / 3)
  let restarting: Promise<ServerProcess> | null = null
  for (let step = 0; step < STEPS; step++) {
    if (step === crashAt) {
      await server.kill9()
      // not awaited: clients go on editing offline while the relay comes back
      restarting = spawnServer({ dataDir: dir, port })
    }
    randomEdit(rng, pick(rng, replicas), step)
    if (chance(rng, 0.5)) await sleep(intIn(rng, 0, 3))
  }
  if (restarting) server = await restarting

  for (const r of replicas) r.sc.connect()
  const converged = (docName: string) => {
    const prints = replicas.filter((r) => r.docName === docName).map((r) => fingerprint(r.sc.doc))
    return prints.every((p) => p === prints[0])
  }
  await waitUntil(
    'every replica reconnected and all replicas of each document agree',
    () => replicas.every((r) => r.sc.synced()) && DOCS.every(converged),
    { timeoutMs: 30_000, intervalMs: 50 },
  )

  for (const docName of DOCS) {
    const mine = replicas.filter((r) => r.docName === docName)
    const expected = fingerprint(mine[0]!.sc.doc)
    const pushed = mine.flatMap((r) => r.pushed).sort()
    const ids = mine[0]!.sc.doc.getArray<string>('ids').toArray()
    console.log(
      `fuzz ${docName}: ${pushed.length} ids pushed, ${ids.length} present, text ${mine[0]!.sc.doc.getText('text').length} chars`,
    )
    expect([...ids].sort()).toEqual(pushed)
    expect(await freshFirstSync(server.url, docName)).toBe(expected)
  }

  // everything the replicas agree on went through the relay, so it was committed: a crash now loses none of it
  const expected = DOCS.map((d) => fingerprint(replicas.find((r) => r.docName === d)!.sc.doc))
  for (const r of replicas) r.sc.disconnect()
  await server.kill9()
  server = await spawnServer({ dataDir: dir, port })
  for (const [i, docName] of DOCS.entries()) expect(await freshFirstSync(server.url, docName)).toBe(expected[i])
  await server.terminate()
}, 60_000)
