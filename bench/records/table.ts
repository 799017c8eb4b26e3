// The one markdown table bench/records prints and writes to bench/results/records-<mode>.md.

import type { CheckInFigures, SyncFigures } from './nodeScenarios.ts'
import type { BrowserSyncFigures } from './page/recordsBenchPage.ts'
import { type ByteCounter, totalBytes } from './wireBytes.ts'

export interface RecordsBenchResults {
  records: number
  changes: number
  initial?: SyncFigures
  delta?: SyncFigures
  checkIn?: CheckInFigures
  chromium?: BrowserSyncFigures
  errors: string[]
}

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => `${int(n)} ms`
const bytes = (c: ByteCounter) => `${int(totalBytes(c))} B`
const frames = (c: ByteCounter) => `${int(c.framesOut)} out / ${int(c.framesIn)} in`
const missing = '–'

/** Derived ratios, also what tests/bench/recordsQuick.test.ts asserts. */
export function ratios(r: RecordsBenchResults) {
  const initial = r.initial ? totalBytes(r.initial.bytes) : Number.NaN
  const delta = r.delta ? totalBytes(r.delta.bytes) : Number.NaN
  return {
    /** 1 means a changed record costs what a record of the initial sync cost; independent of N. */
    perChange: delta / r.changes / (initial / r.records),
    deltaOfInitial: delta / initial,
    checkInOfResync: r.checkIn ? r.checkIn.reportBytes / initial : Number.NaN,
  }
}

export function renderTable(mode: string, r: RecordsBenchResults, machine: string): string {
  const x = ratios(r)
  const n = int(r.records)
  const rows: string[][] = [
    ['scenario', 'time', 'bytes on the wire', 'frames / round trips', 'notes'],
    ['---', '---:', '---:', '---:', '---'],
  ]
  const i = r.initial
  rows.push([
    `initial sync, ${n} records (Node)`,
    i ? ms(i.ms) : missing,
    i ? bytes(i.bytes) : missing,
    i ? frames(i.bytes) : missing,
    'empty device until all in memory',
  ])
  const d = r.delta
  rows.push([
    `delta of ${r.changes} changes after it (Node)`,
    d ? ms(d.ms) : missing,
    d ? bytes(d.bytes) : missing,
    d ? frames(d.bytes) : missing,
    'reconnect with the stored token',
  ])
  rows.push([
    'delta bytes per change ÷ initial bytes per record',
    '',
    x.perChange.toFixed(2),
    '',
    `delta = ${(x.deltaOfInitial * 100).toFixed(3)} % of initial (${r.changes} / ${n} = ${((r.changes / r.records) * 100).toFixed(3)} %)`,
  ])
  const c = r.checkIn
  rows.push([
    `Merkle check-in, 1 divergent of ${n}`,
    '',
    c ? `${int(c.reportBytes)} B` : missing,
    c ? `${c.roundTrips} round trips` : missing,
    c ? `repaired ${c.repaired.join(', ') || 'nothing'}; whole reconnect at the socket ${bytes(c.socket)}` : missing,
  ])
  rows.push([
    `full resync of ${n} (= the initial sync)`,
    '',
    i ? bytes(i.bytes) : missing,
    i ? '1 round trip, streamed pages' : missing,
    '',
  ])
  rows.push(['check-in bytes ÷ full resync bytes', '', `${(x.checkInOfResync * 100).toFixed(3)} %`, '', 'target < 1 %'])
  const b = r.chromium
  rows.push([
    `initial sync, ${n} records (Chromium, IndexedDB)`,
    b ? ms(b.storedMs) : missing,
    b ? bytes(b.bytes) : missing,
    b ? frames(b.bytes) : missing,
    b ? `in memory after ${ms(b.syncedMs)}; time is until stored in IndexedDB; target < 3 s for 100,000` : missing,
  ])
  const width = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(width[col]!)).join(' | ')} |`
  const errors = r.errors.map((e) => `\nERROR ${e}`).join('')
  return `## bench/records (${mode})\n\nRelay: \`tandem-server\` in a child process on 127.0.0.1; ${machine}. Bytes are WebSocket frames (payload + header) counted at the client's socket, both directions.\n\n${rows.map(line).join('\n')}\n${errors}\n`
}
