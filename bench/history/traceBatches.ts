// The automerge-paper editing trace (Martin Kleppmann, CC BY 4.0, via josephg/editing-traces)
// replayed into a Y.Doc with GC off, cut into one update per `every` edits: what the relay
// receives when a version is taken every `every` edits.
import { existsSync, readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { TRACE_ATTRIBUTION, tracePath } from '../relay/trace.ts'

type Patch = [number, number, string]

export interface TraceBatches {
  source: string
  edits: number
  /** One merged update per batch of edits. */
  batches: Uint8Array[]
  /** The text after each batch. */
  texts: string[]
  /** The whole document encoded with GC off: the reference history storage is compared to. */
  gcOffBytes: number
  /** Median ms to Y.applyUpdate that document into a fresh Y.Doc (what a client pays to open it). */
  applyMs: number
}

export function traceBatches(root: string, edits: number, every: number): TraceBatches {
  const path = tracePath(root)
  if (!existsSync(path)) throw new Error(`${path} not found: bench/history needs the automerge-paper trace`)
  const trace = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { txns: { patches: Patch[] }[] }
  const txns = trace.txns.slice(0, edits)
  const doc = new Y.Doc({ gc: false })
  // Every struct run carries the client id as a varint: a fixed one of the usual (5-byte) size
  // makes the byte counts the same every run instead of varying with a random id.
  doc.clientID = 3_141_592_653
  const text = doc.getText('t')
  let pending: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => pending.push(u))
  const batches: Uint8Array[] = []
  const texts: string[] = []
  txns.forEach((txn, i) => {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
    if ((i + 1) % every === 0 || i === txns.length - 1) {
      batches.push(Y.mergeUpdates(pending))
      texts.push(text.toString())
      pending = []
    }
  })
  const state = Y.encodeStateAsUpdate(doc)
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    Y.applyUpdate(new Y.Doc(), state)
    times.push(performance.now() - start)
  }
  doc.destroy()
  return {
    source: `first ${txns.length.toLocaleString('en-US')} edits of the ${TRACE_ATTRIBUTION}`,
    edits: txns.length,
    batches,
    texts,
    gcOffBytes: state.length,
    applyMs: times.sort((a, b) => a - b)[2] as number,
  }
}
