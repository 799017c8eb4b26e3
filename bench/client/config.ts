// What bench/client runs on: the sizes of each mode, and the input, the automerge-paper editing
// trace by Martin Kleppmann (CC BY 4.0), from the josephg/editing-traces collection.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { TRACE_ATTRIBUTION, tracePath } from '../relay/trace.ts'

export interface ClientBenchConfig {
  mode: 'quick' | 'full'
  /** Edits of the automerge-paper trace in the document opened from IndexedDB. */
  openEdits: number
  /** Edits per task while writing that history (typing in bursts). */
  writeBatch: number
  /**
   * Insert y-indexeddb's entries (one per edit, its own layout) in bulk instead of typing them
   * through it: one IndexedDB transaction per edit takes over 15 minutes for the full trace.
   */
  yIndexeddbBulk: boolean
  /** Fresh page loads timed per store. */
  loads: number
  /** Keystrokes replayed with the server connected, and the gap between them. */
  keystrokes: number
  gapMs: number
  /** Documents opened by one Node client (Tandem socket vs y-websocket providers). */
  docs: number
  /** Characters of trace text seeded into each of those documents. */
  docChars: number
}

export const quickConfig: ClientBenchConfig = {
  mode: 'quick',
  openEdits: 5_000,
  writeBatch: 1_000,
  yIndexeddbBulk: false,
  loads: 3,
  keystrokes: 300,
  gapMs: 10,
  docs: 200,
  docChars: 1_000,
}

export const fullConfig: ClientBenchConfig = {
  mode: 'full',
  openEdits: 259_778,
  writeBatch: 1_000,
  yIndexeddbBulk: true,
  loads: 7,
  keystrokes: 2_000,
  gapMs: 10,
  docs: 200,
  docChars: 1_000,
}

export { TRACE_ATTRIBUTION }

export type TraceTxn = [number, number, string][]

export interface Trace {
  txns: TraceTxn[]
  endContent: string
}

export function loadTrace(root: string): Trace {
  const raw = JSON.parse(gunzipSync(readFileSync(tracePath(root))).toString('utf8')) as {
    txns: { patches: TraceTxn }[]
    endContent: string
  }
  return { txns: raw.txns.map((t) => t.patches), endContent: raw.endContent }
}
