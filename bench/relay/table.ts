// The one results table: rows are metrics, columns are servers, then Tandem's ratios to the raw
// forwarder and to the better reference relay, and the target for that ratio.
import type { ColdResult } from './scenarios/coldLoad.ts'
import type { FanoutResult } from './scenarios/fanout.ts'
import type { IdleResult } from './scenarios/idle.ts'
import type { ServerSpec } from './servers/index.ts'

export interface ServerResult {
  spec: ServerSpec
  fanout?: FanoutResult
  cold?: ColdResult
  idle?: IdleResult
  errors: string[]
}

interface Row {
  label: string
  get: (r: ServerResult) => number | undefined
  digits: number
  higherIsBetter?: boolean
  note?: (r: ServerResult) => string
  /** context rows (noise) get no ratios */
  noRatio?: boolean
  /** the target: which ratio it constrains and its bound */
  target?: { vs: 'raw' | 'ref'; max?: number; min?: number }
}

const MB = 1024 * 1024
const KB = 1024
/** cold-load value, NaN (n/a) for a server that stores nothing, undefined when the run failed */
const cold = (r: ServerResult, f: (c: ColdResult) => number) =>
  r.spec.persists ? (r.cold ? f(r.cold) : undefined) : Number.NaN

export const rows: Row[] = [
  { label: 'fan-out p50 edit-to-peer latency (ms)', get: (r) => r.fanout?.p50, digits: 2 },
  {
    label: 'fan-out p99 edit-to-peer latency (ms)',
    get: (r) => r.fanout?.p99,
    digits: 2,
    target: { vs: 'raw', max: 2 },
  },
  {
    label: 'fan-out delivered / expected (%)',
    get: (r) => (r.fanout ? (100 * r.fanout.delivered) / r.fanout.expected : undefined),
    digits: 1,
    higherIsBetter: true,
  },
  {
    label: 'server CPU s per 1,000 delivered updates',
    get: (r) => r.fanout?.cpuPer1000,
    digits: 4,
    target: { vs: 'raw', max: 1.3 },
  },
  { label: 'fan-out peak RSS (MB)', get: (r) => (r.fanout ? r.fanout.peakRss / MB : undefined), digits: 1 },
  {
    label: 'highest rate with p99 < 50 ms (edits/s per client)',
    get: (r) => r.fanout?.maxRate,
    digits: 0,
    higherIsBetter: true,
    note: (r) => (r.fanout?.rampStop === 'generator' ? ' (sender lagged)' : ''),
    target: { vs: 'ref', min: 1 },
  },
  {
    label: 'noise: other processes on server / generator core (%)',
    get: (r) => (r.fanout ? r.fanout.foreignServerCore * 100 : undefined),
    digits: 0,
    note: (r) => (r.fanout ? ` / ${(r.fanout.foreignGeneratorCore * 100).toFixed(0)}` : ''),
    noRatio: true,
  },
  { label: 'cold load: ingest of the edit log (s)', get: (r) => cold(r, (c) => c.ingestSec), digits: 2 },
  { label: 'cold load: bytes on disk (KB)', get: (r) => cold(r, (c) => c.diskBytes / KB), digits: 0 },
  { label: 'cold load: restart to ready line (ms)', get: (r) => cold(r, (c) => c.restartMs), digits: 0 },
  {
    label: 'cold load: fresh client to full text (ms)',
    get: (r) => cold(r, (c) => c.loadMs),
    digits: 1,
    target: { vs: 'ref', max: 1 / 3 },
  },
  { label: 'idle: baseline RSS (MB)', get: (r) => (r.idle ? r.idle.baselineRss / MB : undefined), digits: 1 },
  {
    label: 'idle: memory per document (KB)',
    get: (r) => (r.idle ? r.idle.perDoc / KB : undefined),
    digits: 1,
    target: { vs: 'ref', max: 0.5 },
  },
  {
    label: 'idle: memory per connection (KB)',
    get: (r) => (r.idle ? r.idle.perConn / KB : undefined),
    digits: 1,
    target: { vs: 'ref', max: 0.5 },
  },
]

function fmt(v: number | undefined, digits: number): string {
  if (v === undefined) return 'error'
  if (Number.isNaN(v)) return 'n/a'
  if (!Number.isFinite(v)) return '∞ (lost)'
  return v.toFixed(digits)
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined
  return a / b
}

export function renderTable(results: ServerResult[]): string {
  const by = (id: ServerSpec['id']) => results.find((r) => r.spec.id === id)
  const tandem = by('tandem')
  const raw = by('raw')
  const refs = results.filter((r) => r.spec.id === 'ywebsocket' || r.spec.id === 'hocuspocus')
  const head = ['metric', ...results.map((r) => r.spec.label), 'Tandem / raw', 'Tandem / best ref', 'target']
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`]
  for (const row of rows) {
    const cells = results.map((r) => fmt(row.get(r), row.digits) + (row.note?.(r) ?? ''))
    const t = tandem ? row.get(tandem) : undefined
    const refValues = refs.map((r) => row.get(r)).filter((v): v is number => v !== undefined && Number.isFinite(v))
    const best = refValues.length ? (row.higherIsBetter ? Math.max(...refValues) : Math.min(...refValues)) : undefined
    const vsRaw = ratio(t, raw ? row.get(raw) : undefined)
    const vsRef = ratio(t, best)
    let target = ''
    if (row.target) {
      const r = row.target.vs === 'raw' ? vsRaw : vsRef
      const bound = row.target.max !== undefined ? `≤ ${row.target.max.toFixed(2)}` : `≥ ${row.target.min?.toFixed(2)}`
      const met =
        r === undefined
          ? '?'
          : (row.target.max !== undefined ? r <= row.target.max : r >= (row.target.min ?? 0))
            ? 'met'
            : 'MISSED'
      target = `${row.target.vs === 'raw' ? 'vs raw' : 'vs ref'} ${bound}: ${met}`
    }
    const r2 = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}x`)
    const ratios = row.noRatio ? ['', ''] : [r2(vsRaw), r2(vsRef)]
    lines.push(`| ${[row.label, ...cells, ...ratios, target].join(' | ')} |`)
  }
  return lines.join('\n')
}
