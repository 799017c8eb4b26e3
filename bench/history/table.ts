// The markdown table bench/history prints and writes to bench/results/history-<mode>.md.
import type { HistoryFigures } from './measureHistory.ts'
import type { TraceBatches } from './traceBatches.ts'

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (n < 10 ? `${n.toFixed(1)} ms` : `${int(n)} ms`)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const max = (xs: number[]) => Math.max(...xs)
const spread = (xs: number[]) => `${ms(median(xs))} / ${ms(max(xs))}`

/** History storage ÷ the document encoded with GC off; also what tests/bench/historyQuick.test.ts asserts. */
export const storageRatio = (f: HistoryFigures, t: TraceBatches) => f.storedBytes / t.gcOffBytes

export function renderHistoryTable(
  mode: string,
  t: TraceBatches,
  results: Record<string, HistoryFigures | undefined>,
  machine: string,
  errors: string[],
): string {
  const names = Object.keys(results)
  const cell = (fn: (f: HistoryFigures) => string) => names.map((n) => (results[n] ? fn(results[n]) : '–'))
  const rows: string[][] = [
    ['metric', ...names, 'target'],
    ['---', ...names.map(() => '---:'), '---'],
    ['versions', ...cell((f) => `${f.versions}`), `one per ${int(1000)} edits`],
    ['history storage (version data: deltas, a keyframe per 100)', ...cell((f) => `${int(f.storedBytes)} B`), ''],
    ['document encoded with GC off (reference)', ...names.map(() => `${int(t.gcOffBytes)} B`), ''],
    ['history storage ÷ GC-off document', ...cell((f) => `${storageRatio(f, t).toFixed(2)}x`), '≤ 3x'],
    [
      'the same versions as whole states (before)',
      ...cell((f) => `${int(f.wholeStatesBytes)} B = ${(f.wholeStatesBytes / t.gcOffBytes).toFixed(1)}x`),
      '',
    ],
    ['ingest (POST per 1,000 edits, wait for its version)', ...cell((f) => `${(f.ingestMs / 1000).toFixed(1)} s`), ''],
    ['list versions, median / max of 30', ...cell((f) => spread(f.listMs)), '< 50 ms'],
    ['preview, every version (Yjs update), median / max', ...cell((f) => spread(f.previewMs)), '< 200 ms'],
    ['preview as JSON, every 10th version, median / max', ...cell((f) => spread(f.previewJsonMs)), ''],
    ['reference: GET of the document itself, median / max of 30', ...cell((f) => spread(f.docGetMs)), ''],
    [
      'worst preview ÷ median document GET',
      ...cell((f) => `${(max(f.previewMs) / median(f.docGetMs)).toFixed(1)}x`),
      '',
    ],
    [`restore (${'first, middle, chain end, newest'}), median / max`, ...cell((f) => spread(f.restoreMs)), '< 500 ms'],
    ['reference: Y.applyUpdate of the GC-off document in this process', ...names.map(() => ms(t.applyMs)), ''],
    [
      'median restore ÷ that Y.applyUpdate',
      ...cell((f) => `${(median(f.restoreMs) / t.applyMs).toFixed(1)}x`),
      'a restore applies the document twice',
    ],
  ]
  const width = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  const line = (row: string[]) => `| ${row.map((c, col) => c.padEnd(width[col]!)).join(' | ')} |`
  const errs = errors.map((e) => `\nERROR ${e}`).join('')
  return `## bench/history (${mode})\n\nInput: ${t.source}; ${t.batches.length} versions, one after each POST of ${int(1000)} edits. Relay in this process on 127.0.0.1 (REST over HTTP); ${machine}. Times are wall-clock at the HTTP client, each request awaited before the next.\n\n${rows.map(line).join('\n')}\n${errs}\n`
}
