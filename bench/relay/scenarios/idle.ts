// Idle footprint: store `docs` documents of about `docBytes`, restart the server, then measure
// its RSS empty, with one connection per document (documents loaded), and with all connections.
import * as Y from 'yjs'
import type { ClientOptions } from '../client/BenchClient.ts'
import { closeAll, openAll, sleep } from '../client/pool.ts'
import type { BenchConfig } from '../config.ts'
import { prng, randomWord } from '../prng.ts'
import { memBytes } from '../proc.ts'
import { type Instance, launch, type ServerSpec, shutdown } from '../servers/index.ts'
import { waitForQuiet } from './disk.ts'

export interface IdleResult {
  baselineRss: number
  /** RSS growth per loaded document, net of its one connection; NaN where nothing is stored */
  perDoc: number
  perConn: number
}

const docName = (i: number) => `idle-${i}`

async function seed(inst: Instance, docs: number, docBytes: number): Promise<number> {
  const rand = prng(42)
  const options: ClientOptions[] = []
  for (let i = 0; i < docs; i++) {
    options.push({ url: inst.url(docName(i)), flavour: inst.spec.flavour, docName: docName(i) })
  }
  const clients = await openAll(options, 50, 60_000)
  let textLength = 0
  try {
    for (const c of clients) {
      const text = c.doc.getText('t')
      c.doc.transact(() => {
        for (let n = 0; n < docBytes / 100; n++)
          text.insert(Math.floor(rand() * (text.length + 1)), randomWord(rand, 100))
      })
      textLength = text.length
    }
    await Promise.all(clients.map((c) => c.barrier(60_000)))
  } finally {
    await closeAll(clients)
  }
  return textLength
}

async function settledRss(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs)
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    samples.push(memBytes(pid, 'VmRSS'))
    await sleep(200)
  }
  return samples.sort((a, b) => a - b)[2]!
}

export async function runIdle(spec: ServerSpec, root: string, dir: string, cfg: BenchConfig): Promise<IdleResult> {
  const { docs, connections, docBytes } = cfg.idle
  let textLength = 0
  if (spec.persists) {
    const seeder = await launch(spec, root, dir)
    try {
      textLength = await seed(seeder, docs, docBytes)
      await waitForQuiet(dir, cfg.quietMs)
    } finally {
      await shutdown(seeder)
    }
  }
  const inst = await launch(spec, root, dir)
  const all = []
  try {
    const pid = inst.run.pid
    const baselineRss = await settledRss(pid, cfg.settleMs)
    const options = (i: number, full: boolean): ClientOptions => ({
      url: inst.url(docName(i % docs)),
      flavour: spec.flavour,
      docName: docName(i % docs),
      doc: new Y.Doc(),
      apply: full,
      readyOnOpen: !spec.persists,
    })
    const first = await openAll(
      Array.from({ length: docs }, (_, i) => options(i, true)),
      50,
      60_000,
    )
    all.push(...first)
    const short = () => first.filter((c) => c.doc.getText('t').length !== textLength).length
    const loadEnd = performance.now() + 15_000
    while (spec.persists && short() > 0 && performance.now() < loadEnd) await sleep(50)
    if (spec.persists && short() > 0) throw new Error(`${short()} idle documents did not load in full`)
    const rssDocs = await settledRss(pid, cfg.settleMs)
    const rest = await openAll(
      Array.from({ length: connections - docs }, (_, i) => options(docs + i, false)),
      100,
      120_000,
    )
    all.push(...rest)
    const rssConns = await settledRss(pid, cfg.settleMs)
    const perConn = (rssConns - rssDocs) / (connections - docs)
    const perDoc = spec.persists ? (rssDocs - baselineRss) / docs - perConn : Number.NaN
    return { baselineRss, perDoc, perConn }
  } finally {
    await closeAll(all)
    await shutdown(inst)
  }
}
