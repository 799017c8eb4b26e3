// The cold-load document: the first N edits of the automerge-paper editing trace (Martin
// Kleppmann, CC BY 4.0, via josephg/editing-traces), each its own Yjs transaction and so its
// own update. Without the trace file, N seeded single-character inserts stand in.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { prng, randomWord } from './prng.ts'

export const TRACE_ATTRIBUTION =
  'automerge-paper editing trace by Martin Kleppmann (CC BY 4.0), from the josephg/editing-traces collection'

export interface EditLog {
  source: string
  updates: Uint8Array[]
  text: string
}

type Patch = [number, number, string]
interface Trace {
  txns: Array<{ patches: Patch[] }>
}

export function tracePath(root: string): string {
  return process.env.BENCH_TRACE ?? join(root, '../shared/data/traces/automerge-paper.json.gz')
}

export function buildEditLog(root: string, edits: number): EditLog {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const path = tracePath(root)
  let source: string
  if (existsSync(path)) {
    const trace = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Trace
    const txns = trace.txns.slice(0, edits)
    for (const txn of txns) {
      doc.transact(() => {
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) text.delete(pos, del)
          if (ins) text.insert(pos, ins)
        }
      })
    }
    source = `first ${txns.length.toLocaleString('en-US')} edits of the ${TRACE_ATTRIBUTION}`
  } else {
    const rand = prng()
    for (let i = 0; i < edits; i++) text.insert(Math.floor(rand() * (text.length + 1)), randomWord(rand, 1))
    source = `${edits.toLocaleString('en-US')} seeded single-character inserts (trace file not found)`
  }
  const result = { source, updates, text: text.toString() }
  doc.destroy()
  return result
}
