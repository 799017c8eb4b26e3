// The bench/cluster table: rows are metrics, columns are setups. Cells follow bench/relay's
// conventions: "error" when the setup failed, "n/a" where a metric does not apply, "∞ (lost)"
// for a percentile that fell on an undelivered edit.
import type { SetupDef } from './setups.ts'

export interface FanoutSummary {
  p50: number
  p99: number
  delivered: number
  expected: number
  /** deliveries per second over the measured windows */
  throughput: number
  /** CPU seconds per 1,000 delivered updates; NaN when the setup does not use that service */
  serverPer1000: number
  redisPer1000: number
  pgPer1000: number
  totalPer1000: number
  /** VmHWM summed over the instances */
  peakRss: number
  generatorCpu: number
  noise: number
}

export interface SetupResult {
  def: SetupDef
  fanout?: FanoutSummary
  errors: string[]
}

interface Row {
  label: string
  get: (r: SetupResult, all: SetupResult[]) => number | undefined
  digits: number
  suffix?: string
}

const MB = 1024 * 1024

/** `f` of this setup divided by `f` of the one-instance setup of the same server and backend. */
function vsOne(f: (s: FanoutSummary) => number): Row['get'] {
  return (r, all) => {
    if (r.def.kind === 'tandem-sqlite') return Number.NaN
    const one = all.find((x) => x.def.kind === r.def.kind && x.def.instances === 1)
    if (!r.fanout || !one?.fanout) return undefined
    return f(r.fanout) / f(one.fanout)
  }
}

const fan =
  (f: (s: FanoutSummary) => number): Row['get'] =>
  (r) =>
    r.fanout ? f(r.fanout) : undefined

export const rows: Row[] = [
  { label: 'instances', get: (r) => r.def.instances, digits: 0 },
  { label: 'p50 edit-to-peer latency (ms)', get: fan((s) => s.p50), digits: 2 },
  { label: 'p99 edit-to-peer latency (ms)', get: fan((s) => s.p99), digits: 2 },
  { label: 'delivered / expected (%)', get: fan((s) => (100 * s.delivered) / s.expected), digits: 1 },
  { label: 'fan-out throughput (delivered updates/s)', get: fan((s) => s.throughput), digits: 0 },
  { label: 'server CPU s per 1,000 delivered (sum of instances)', get: fan((s) => s.serverPer1000), digits: 4 },
  { label: 'Redis server CPU s per 1,000 delivered', get: fan((s) => s.redisPer1000), digits: 4 },
  { label: 'PostgreSQL CPU s per 1,000 delivered', get: fan((s) => s.pgPer1000), digits: 4 },
  { label: 'total CPU s per 1,000 delivered (servers + Redis + PG)', get: fan((s) => s.totalPer1000), digits: 4 },
  { label: 'cost vs 1 instance: server CPU per delivered', get: vsOne((s) => s.serverPer1000), digits: 2, suffix: 'x' },
  { label: 'cost vs 1 instance: total CPU per delivered', get: vsOne((s) => s.totalPer1000), digits: 2, suffix: 'x' },
  { label: 'peak RSS, sum of instances (MB)', get: fan((s) => s.peakRss / MB), digits: 1 },
  { label: 'generator CPU (% of a core)', get: fan((s) => s.generatorCpu * 100), digits: 0 },
  { label: 'noise: other processes, both cores (% of a core)', get: fan((s) => s.noise * 100), digits: 0 },
]

function fmt(v: number | undefined, digits: number, suffix = ''): string {
  if (v === undefined) return 'error'
  if (Number.isNaN(v)) return 'n/a'
  if (!Number.isFinite(v)) return '∞ (lost)'
  return v.toFixed(digits) + suffix
}

export function renderTable(results: SetupResult[]): string {
  const head = ['metric', ...results.map((r) => r.def.label)]
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`]
  for (const row of rows) {
    const cells = results.map((r) => fmt(row.get(r, results), row.digits, row.suffix))
    lines.push(`| ${[row.label, ...cells].join(' | ')} |`)
  }
  return lines.join('\n')
}
