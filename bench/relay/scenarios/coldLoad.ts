// Cold load: push the edit log as separate updates through one client, let the server store
// it, restart the server on the same data, and time a fresh client until it holds the text.
import * as Y from 'yjs'
import { BenchClient } from '../client/BenchClient.ts'
import { sleep, withTimeout } from '../client/pool.ts'
import { encodeSync, SYNC_UPDATE } from '../client/wire.ts'
import { type Instance, launch, type ServerSpec, shutdown } from '../servers/index.ts'
import type { EditLog } from '../trace.ts'
import { dirBytes, waitForQuiet } from './disk.ts'

export interface ColdResult {
  /** seconds to push every update and see the server answer a sync round trip after them */
  ingestSec: number
  diskBytes: number
  /** spawn of the restarted server to its ready line (median over the restarts) */
  restartMs: number
  /** fresh client: socket opened to full text held (median over the restarts) */
  loadMs: number
}

const DOC = 'cold-load'
const CHUNK = 1_000

async function ingest(inst: Instance, log: EditLog): Promise<number> {
  const { flavour } = inst.spec
  const writer = new BenchClient({ url: inst.url(DOC), flavour, docName: DOC })
  try {
    await withTimeout(writer.ready, 20_000, 'cold-load writer connect')
    const t0 = performance.now()
    for (let i = 0; i < log.updates.length; i += CHUNK) {
      for (const u of log.updates.slice(i, i + CHUNK)) writer.send(encodeSync(flavour, DOC, SYNC_UPDATE, u))
      while (writer.buffered > 1 << 20) await sleep(1)
      await writer.barrier(120_000)
    }
    return (performance.now() - t0) / 1000
  } finally {
    await writer.close()
  }
}

async function load(inst: Instance, expected: string, timeoutMs: number): Promise<number> {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  const t0 = performance.now()
  let reader: BenchClient | undefined
  const full = new Promise<void>((resolve) => {
    const check = () => {
      if (text.length === expected.length && text.toString() === expected) resolve()
    }
    doc.on('update', check)
    reader = new BenchClient({ url: inst.url(DOC), flavour: inst.spec.flavour, docName: DOC, doc, apply: true })
  })
  try {
    await withTimeout(full, timeoutMs, 'cold-load reader to hold the full text')
    return performance.now() - t0
  } finally {
    await reader?.close()
  }
}

export async function runColdLoad(
  spec: ServerSpec,
  root: string,
  dir: string,
  log: EditLog,
  quietMs: number,
  repeats: number,
): Promise<ColdResult> {
  const first = await launch(spec, root, dir)
  let ingestSec: number
  try {
    ingestSec = await ingest(first, log)
    await waitForQuiet(dir, quietMs)
  } finally {
    await shutdown(first)
  }
  const diskBytes = dirBytes(dir)
  const loads: number[] = []
  const restarts: number[] = []
  for (let i = 0; i < repeats; i++) {
    const inst = await launch(spec, root, dir)
    try {
      restarts.push(inst.startMs)
      loads.push(await load(inst, log.text, 60_000))
    } finally {
      await shutdown(inst)
    }
  }
  return { ingestSec, diskBytes, restartMs: median(restarts), loadMs: median(loads) }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
