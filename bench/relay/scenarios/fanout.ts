// Fan-out at a fixed rate, then a ramp to the highest per-client rate with p99 under the limit.
// All servers run at once (idle unless measured) and take turns: the fan-out in slices, the
// ramp step by step, so that noise from other processes on a shared machine hits them alike.
import type { BenchConfig } from '../config.ts'
import { waitForProcessQuiet, waitForQuietMachine } from '../cpuload.ts'
import { summarize } from '../latency.ts'
import { memBytes } from '../proc.ts'
import type { Instance } from '../servers/index.ts'
import { FanoutRig, type WindowResult } from './rig.ts'

export interface RampStep {
  rate: number
  p99: number
  achievedRate: number
  generatorCpu: number
  foreignCpu: number
  pass: boolean
}

export interface FanoutResult {
  p50: number
  p99: number
  delivered: number
  expected: number
  cpuPer1000: number
  peakRss: number
  generatorCpu: number
  /** other processes' CPU on the server core / generator core during the fan-out windows */
  foreignServerCore: number
  foreignGeneratorCore: number
  /** highest passing rate; 0 when none passed */
  maxRate: number
  /** why the ramp stopped: 'p99' (limit crossed), 'generator' (could not send at the rate) or 'end' */
  rampStop: 'p99' | 'generator' | 'end'
  steps: RampStep[]
}

const log = (msg: string) => process.stderr.write(`  ${msg}\n`)
const pct = (x: number) => `${(x * 100).toFixed(0)}%`

/** Share of a core other processes may take (server core + generator core) before a window is re-run. */
const NOISE_LIMIT = 0.2

/** Runs a window; while other processes took noticeable CPU, waits for quiet and runs it again. */
async function clean(run: () => Promise<WindowResult>, budget: { ms: number }): Promise<WindowResult> {
  let r = await run()
  while (r.foreignServerCore + r.foreignGeneratorCore > NOISE_LIMIT && budget.ms > 0) {
    const t0 = performance.now()
    log(`noisy window (others ${pct(r.foreignServerCore + r.foreignGeneratorCore)}): re-running`)
    await waitForQuietMachine(10_000)
    r = await run()
    budget.ms -= performance.now() - t0
  }
  return r
}

interface Lane {
  inst: Instance
  rig: FanoutRig
  budget: { ms: number }
  windows: WindowResult[]
  result?: FanoutResult
  stopped: boolean
}

/** Fan-out and ramp for every instance; a server that fails gets an Error instead of a result. */
export async function runFanoutAll(insts: Instance[], cfg: BenchConfig): Promise<Map<Instance, FanoutResult | Error>> {
  const f = cfg.fanout
  const out = new Map<Instance, FanoutResult | Error>()
  const lanes: Lane[] = []
  for (const inst of insts) {
    const rig = new FanoutRig(inst, f.rooms, f.clientsPerRoom)
    try {
      await rig.open()
      lanes.push({ inst, rig, budget: { ms: cfg.retryBudgetMs }, windows: [], stopped: false })
    } catch (e) {
      out.set(inst, e instanceof Error ? e : new Error(String(e)))
    }
  }
  const guarded = async (lane: Lane, fn: () => Promise<void>) => {
    try {
      await fn()
      await waitForProcessQuiet(lane.inst.run.pid, cfg.serverQuietMs)
    } catch (e) {
      out.set(lane.inst, e instanceof Error ? e : new Error(String(e)))
      lane.stopped = true
    }
  }
  try {
    const live = () => lanes.filter((l) => !l.stopped)
    for (let s = 0; s < f.slices; s++) {
      for (const lane of live()) {
        log(`[${lane.inst.spec.id}] fan-out slice ${s + 1}/${f.slices}`)
        await guarded(lane, async () => {
          const run = () => lane.rig.run(f.ratePerSec, f.warmupMs, f.durationMs / f.slices, cfg.drainMs)
          lane.windows.push(await clean(run, lane.budget))
        })
      }
    }
    for (const lane of live()) lane.result = summarizeFanout(lane)
    for (const rate of cfg.ramp.rates) {
      for (const lane of live()) {
        await guarded(lane, async () => {
          const r = await clean(() => lane.rig.run(rate, cfg.ramp.warmupMs, cfg.ramp.stepMs, cfg.drainMs), lane.budget)
          const res = lane.result!
          const keptUp = r.achievedRate >= rate * 0.85
          const pass = keptUp && r.stats.p99 < cfg.ramp.p99LimitMs
          const foreignCpu = r.foreignServerCore + r.foreignGeneratorCore
          res.steps.push({
            rate,
            p99: r.stats.p99,
            achievedRate: r.achievedRate,
            generatorCpu: r.generatorCpu,
            foreignCpu,
            pass,
          })
          log(
            `[${lane.inst.spec.id}] ramp ${rate}/s: p99 ${r.stats.p99.toFixed(2)} ms, sent ${r.achievedRate.toFixed(1)}/s ` +
              `per client, generator ${pct(r.generatorCpu)}, others ${pct(foreignCpu)} -> ${pass ? 'pass' : 'stop'}`,
          )
          if (pass) res.maxRate = rate
          else {
            res.rampStop = keptUp ? 'p99' : 'generator'
            lane.stopped = true
          }
        })
      }
    }
    for (const lane of lanes) if (lane.result && !out.has(lane.inst)) out.set(lane.inst, lane.result)
    return out
  } finally {
    await Promise.all(lanes.map((l) => l.rig.close()))
  }
}

function summarizeFanout(lane: Lane): FanoutResult {
  const w = lane.windows
  const sum = (f: (r: WindowResult) => number) => w.reduce((n, r) => n + f(r), 0)
  const mean = (f: (r: WindowResult) => number) => sum(f) / w.length
  const stats = summarize(
    w.flatMap((r) => r.stats.samples),
    sum((r) => r.stats.sends),
    sum((r) => r.stats.expected),
  )
  const deliveries = sum((r) => r.deliveries)
  const result: FanoutResult = {
    p50: stats.p50,
    p99: stats.p99,
    delivered: stats.delivered,
    expected: stats.expected,
    cpuPer1000: deliveries > 0 ? (sum((r) => r.serverCpuSec) / deliveries) * 1000 : Number.NaN,
    peakRss: memBytes(lane.inst.run.pid, 'VmHWM'),
    generatorCpu: mean((r) => r.generatorCpu),
    foreignServerCore: mean((r) => r.foreignServerCore),
    foreignGeneratorCore: mean((r) => r.foreignGeneratorCore),
    maxRate: 0,
    rampStop: 'end',
    steps: [],
  }
  log(
    `[${lane.inst.spec.id}] fan-out: p50 ${stats.p50.toFixed(2)} ms, p99 ${stats.p99.toFixed(2)} ms, ` +
      `${stats.delivered}/${stats.expected} delivered, ${result.cpuPer1000.toFixed(4)} CPU s/1000, ` +
      `generator ${pct(result.generatorCpu)}, others ${pct(result.foreignServerCore)} / ${pct(result.foreignGeneratorCore)}`,
  )
  return result
}
