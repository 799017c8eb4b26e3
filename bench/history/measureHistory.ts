// One backend's figures: ingest the batches over REST (a version after each), then time
// listing, previewing every version, and restores, all over HTTP as a client sees them.
import * as Y from 'yjs'
import type { TraceBatches } from './traceBatches.ts'

export interface HistoryFigures {
  versions: number
  storedBytes: number
  wholeStatesBytes: number
  ingestMs: number
  listMs: number[]
  previewMs: number[]
  previewJsonMs: number[]
  docGetMs: number[]
  restoreMs: number[]
}

interface Listed {
  id: number
  size: number
  stored: number
}

const DOC = 'paper'
const BINARY = { 'content-type': 'application/octet-stream' }
const JSON_TYPE = { 'content-type': 'application/json' }
const time = async (fn: () => Promise<unknown>) => {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

async function ok(res: Response): Promise<Response> {
  if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status} ${await res.text()}`)
  return res
}

const textOf = (state: ArrayBuffer) => {
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(state))
  return d.getText('t').toString()
}

export async function measureHistory(http: string, trace: TraceBatches, log: (m: string) => void) {
  const base = `${http}/v1/docs/${DOC}`
  const list = async () =>
    ((await (await ok(await fetch(`${base}/versions`))).json()) as { versions: Listed[] }).versions
  const ingestStart = performance.now()
  for (const [i, batch] of trace.batches.entries()) {
    await ok(await fetch(base, { method: 'POST', headers: BINARY, body: batch as Uint8Array<ArrayBuffer> }))
    // A version per batch: wait for it before the next batch joins the same version.
    for (const deadline = Date.now() + 30_000; (await list()).length < i + 1; ) {
      if (Date.now() > deadline) throw new Error(`no version after batch ${i + 1}`)
      await new Promise((r) => setTimeout(r, 2))
    }
    if ((i + 1) % 50 === 0) log(`  ${i + 1} / ${trace.batches.length} versions`)
  }
  const ingestMs = performance.now() - ingestStart
  const versions = await list()
  const f: HistoryFigures = {
    versions: versions.length,
    storedBytes: versions.reduce((n, v) => n + v.stored, 0),
    wholeStatesBytes: versions.reduce((n, v) => n + v.size, 0),
    ingestMs,
    listMs: [],
    previewMs: [],
    previewJsonMs: [],
    docGetMs: [],
    restoreMs: [],
  }
  for (let i = 0; i < 30; i++) f.listMs.push(await time(list))
  for (let i = 0; i < 30; i++) f.docGetMs.push(await time(async () => (await ok(await fetch(base))).arrayBuffer()))
  for (const [i, v] of versions.entries()) {
    let body: ArrayBuffer | undefined
    f.previewMs.push(
      await time(async () => (body = await (await ok(await fetch(`${base}/versions/${v.id}`))).arrayBuffer())),
    )
    if (textOf(body as ArrayBuffer) !== trace.texts[i])
      throw new Error(`preview of version ${v.id} differs from the trace`)
  }
  for (const v of versions.filter((_, i) => i % 10 === 9 || i === versions.length - 1)) {
    f.previewJsonMs.push(await time(async () => (await ok(await fetch(`${base}/versions/${v.id}?format=json`))).json()))
  }
  // Restores far back, mid-chain and at a chain's end, then back to the newest.
  const picks = [0, Math.floor(versions.length / 2), Math.min(versions.length - 2, 198), versions.length - 1]
  for (const i of [...new Set(picks)].filter((i) => i >= 0)) {
    const v = versions[i] as Listed
    f.restoreMs.push(
      await time(async () =>
        (await ok(await fetch(`${base}/versions/${v.id}/restore`, { method: 'POST', headers: JSON_TYPE }))).json(),
      ),
    )
    const now = textOf(await (await ok(await fetch(base))).arrayBuffer())
    if (now !== trace.texts[i]) throw new Error(`after restoring version ${v.id} the document differs from it`)
  }
  return f
}
