import { decodeMessage, encodeSyncStep1, encodeUpdate, MessageType, SyncMessageType } from '@tandem/protocol'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { connectClient, type StockClient, syncedClient } from '../helpers/client.ts'
import { ATTACK_KINDS, attackBatch, docShape, TRACE_CREDIT, traceUpdates } from '../helpers/integrityAttack.ts'
import { createRng, testSeed } from '../helpers/prng.ts'
import { startRedis } from '../helpers/redisProcess.ts'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, redisAvailable, uniqueSchema } from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'

/**
 * The relay's integrity contract against real relay processes: a guardian stock client writes
 * a baseline; an attacker sends thousands of updates that parse but must not harm anyone
 * (bit-flipped real updates from the automerge-paper editing trace, random bodies, absurd
 * struct counts, items pointing at structs that do not exist, duplicate ids with other
 * content). After each batch and after a restart, a fresh stock client, whose console errors
 * are captured, equals the guardian, and its write reaches the guardian. Editing trace:
 * automerge-paper by Martin Kleppmann (CC BY 4.0), from the josephg/editing-traces collection.
 */

const seed = testSeed(`integrity fuzz (mutants of the ${TRACE_CREDIT})`)
const PER_BATCH = {
  'bit-flips': 1500,
  'random bodies': 300,
  'absurd counts': 40,
  'dangling origins': 200,
  'duplicate ids': 100,
}
const DOC = 'integrity'
const withPostgres = await postgresAvailable()
const withCluster = withPostgres && (await redisAvailable())

interface Setup {
  /** Where the guardian, the attacker and fresh clients connect (two instances: different ones). */
  urls(): { guardian: string; attacker: string[]; fresh: string }
  restart(): Promise<void>
  close(): Promise<void>
  servers(): ServerProcess[]
}

const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => {})
  killAllServers()
})

async function setup(kind: 'sqlite' | 'postgres' | 'cluster'): Promise<Setup> {
  const dir = await makeTempDir(`integrity-${kind}`)
  const schema = uniqueSchema('tandem_integrity')
  const redis = kind === 'cluster' ? await startRedis() : null
  const args = kind === 'sqlite' ? [] : ['--postgres', POSTGRES_URL]
  if (redis) args.push('--redis', redis.url)
  const env = { TANDEM_POSTGRES_SCHEMA: schema, TANDEM_REDIS_PREFIX: `integrity${seed}:` }
  const count = kind === 'cluster' ? 2 : 1
  let servers: ServerProcess[] = []
  const start = async (ports: number[] = []) => {
    servers = []
    for (let i = 0; i < count; i++)
      servers.push(await spawnServer({ dataDir: `${dir}/${i}`, port: ports[i], extraArgs: args, env }))
  }
  await start()
  const close = async () => {
    for (const s of servers) if (s.alive()) await s.terminate()
    await redis?.stop()
    if (kind !== 'sqlite') await dropSchema(schema)
    await removeDir(dir)
  }
  closers.push(close)
  return {
    urls: () => ({
      guardian: servers[0]!.url,
      attacker: servers.map((s) => s.url),
      fresh: servers[servers.length - 1]!.url,
    }),
    async restart() {
      const ports = servers.map((s) => s.port)
      for (const s of servers) await s.terminate()
      await start(ports)
    },
    close,
    servers: () => servers,
  }
}

/**
 * Sends each update on a stock socket followed by a sync step 1, and waits for the answer (the
 * update was handled) or the close (it was refused); a refused socket is replaced.
 */
async function attack(url: string, updates: readonly Uint8Array[]): Promise<{ refused: number }> {
  let refused = 0
  let socket: { ws: WebSocket; next: (outcome: 'answered' | 'closed') => void } | null = null
  const open = async () => {
    const ws = new WebSocket(`${url}/${DOC}`)
    const s = { ws, next: (_: 'answered' | 'closed') => {} }
    ws.on('error', () => {})
    ws.on('message', (data: Buffer) => {
      const m = decodeMessage(new Uint8Array(data))
      if (m.type === MessageType.Sync && m.sync === SyncMessageType.Step2) s.next('answered')
    })
    ws.on('close', () => s.next('closed'))
    await withTimeout('an attacker socket to open', new Promise((r) => ws.once('open', r)), 10_000)
    return s
  }
  const probe = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()))
  for (const update of updates) {
    socket ??= await open()
    const s = socket
    const outcome = new Promise<'answered' | 'closed'>((resolve) => {
      s.next = resolve
    })
    s.ws.send(encodeUpdate(update))
    s.ws.send(probe)
    if ((await withTimeout('the relay to handle an attacker update', outcome, 10_000)) === 'closed') {
      refused++
      socket = null
    }
  }
  socket?.ws.terminate()
  return { refused }
}

/** A fresh stock client: synced, with every console error it caused, then closed by the caller. */
async function freshClient(url: string): Promise<{ client: StockClient; errors: string[] }> {
  const errors: string[] = []
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.map(String).join(' '))
  })
  try {
    const client = await syncedClient(url, DOC)
    return { client, errors }
  } finally {
    spy.mockRestore()
  }
}

async function assertFreshEqualsGuardian(s: Setup, guardian: StockClient, when: string): Promise<void> {
  const { client, errors } = await freshClient(s.urls().fresh)
  try {
    expect(errors, `seed ${seed}, ${when}: console errors of a fresh client`).toEqual([])
    await waitUntil(
      `${when}: the fresh client equals the guardian`,
      () => docShape(client.doc) === docShape(guardian.doc),
      {
        timeoutMs: 10_000,
      },
    ).catch(() => {
      expect(docShape(client.doc), `seed ${seed}, ${when}`).toBe(docShape(guardian.doc))
    })
    const mark = `fresh write ${when}`
    client.doc.getMap('marks').set(when, mark)
    await waitUntil(
      `${when}: the fresh client's write reaches the guardian`,
      () => guardian.doc.getMap('marks').get(when) === mark,
    )
  } finally {
    client.destroy()
  }
}

const setups = [
  { name: 'SQLite', kind: 'sqlite' as const, run: true },
  { name: 'PostgreSQL', kind: 'postgres' as const, run: withPostgres },
  { name: 'two instances (PostgreSQL + Redis)', kind: 'cluster' as const, run: withCluster },
]

describe.each(setups)('integrity fuzz on $name', ({ kind, run }) => {
  it.runIf(run)(
    'keeps every fresh client equal to the guardian through every attack and a restart',
    { timeout: 240_000 },
    async () => {
      const rng = createRng(seed + kind.length)
      const s = await setup(kind)
      const reals = traceUpdates(600)
      const guardian = connectClient(s.urls().guardian, DOC)
      closers.push(async () => guardian.destroy())
      await withTimeout('the guardian to sync', guardian.synced, 15_000)
      // the baseline: the guardian types the first 300 transactions of the trace
      for (const u of reals.slice(0, 300)) Y.applyUpdate(guardian.doc, u)
      const known = guardian.doc.getText('text').length
      const victim = [...guardian.doc.store.clients.keys()][0]!
      await assertFreshEqualsGuardian(s, guardian, 'baseline')
      let total = 0
      for (const kindOfAttack of ATTACK_KINDS) {
        const batch = attackBatch(rng, kindOfAttack, PER_BATCH[kindOfAttack], reals, victim, known)
        const urls = s.urls().attacker
        const half = Math.ceil(batch.length / urls.length)
        const results = await Promise.all(urls.map((url, i) => attack(url, batch.slice(i * half, (i + 1) * half))))
        const refused = results.reduce((n, r) => n + r.refused, 0)
        total += batch.length
        console.log(
          `[integrity ${kind}] ${kindOfAttack}: ${batch.length} updates, ${refused} refused (4422 or other close)`,
        )
        await assertFreshEqualsGuardian(s, guardian, `after ${kindOfAttack}`)
      }
      await s.restart()
      await waitUntil('the guardian to reconnect after the restart', () => guardian.provider.synced, {
        timeoutMs: 20_000,
      })
      await assertFreshEqualsGuardian(s, guardian, 'after a restart')
      for (const server of s.servers()) expect(server.logCount('unexpected error'), server.stderr()).toBe(0)
      console.log(`[integrity ${kind}] ${total} attacker updates in all, seed ${seed}`)
    },
  )
})
