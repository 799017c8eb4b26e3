// Runs the fan-out on every setup: all setups are started and connected at once (idle unless
// measured) and take turns slice by slice, so that load from other processes on a shared
// machine hits them alike. A window in which other processes took more than NOISE_LIMIT of a
// core is re-run after waiting for a quiet machine, within a per-setup budget.

import { waitForProcessQuiet, waitForQuietMachine } from '../relay/cpuload.ts'
import { summarize } from '../relay/latency.ts'
import { memBytes } from '../relay/proc.ts'
import type { BackingMeter } from './backing.ts'
import { type ClusterConfig, NOISE_LIMIT } from './config.ts'
import { ClusterRig, type WindowResult } from './rig.ts'
import { type Setup, usesPostgres, usesRedis } from './setups.ts'
import type { FanoutSummary, SetupResult } from './table.ts'

const log = (msg: string) => process.stderr.write(`  ${msg}\n`)
const pct = (x: number) => `${(x * 100).toFixed(0)}%`

interface Lane {
  rig: ClusterRig
  result: SetupResult
  windows: WindowResult[]
  budgetMs: number
  failed: boolean
}

export async function runAll(
  setups: Setup[],
  meter: BackingMeter,
  cfg: ClusterConfig,
  results: SetupResult[],
  errMsg: (e: unknown) => string,
): Promise<void> {
  const lanes: Lane[] = []
  const fail = (lane: Lane, what: string, e: unknown) => {
    lane.failed = true
    lane.result.errors.push(`${what}: ${errMsg(e)}`)
    log(`[${lane.result.def.key}] ERROR ${what}: ${errMsg(e)}`)
  }
  for (const setup of setups) {
    const result = results.find((r) => r.def === setup.def)!
    const lane: Lane = {
      rig: new ClusterRig(setup, meter, cfg.rooms, cfg.clientsPerRoom),
      result,
      windows: [],
      budgetMs: cfg.retryBudgetMs,
      failed: false,
    }
    lanes.push(lane)
    try {
      await lane.rig.open()
    } catch (e) {
      fail(lane, 'connecting clients', e)
    }
  }
  try {
    for (let s = 0; s < cfg.slices; s++) {
      for (const lane of lanes.filter((l) => !l.failed)) {
        const key = lane.result.def.key
        try {
          const once = () => lane.rig.run(cfg.ratePerSec, cfg.warmupMs, cfg.durationMs / cfg.slices, cfg.drainMs)
          let w = await once()
          while (w.noise > NOISE_LIMIT && lane.budgetMs > 0) {
            const t0 = performance.now()
            log(`[${key}] noisy window (others ${pct(w.noise)}): re-running`)
            await waitForQuietMachine(10_000)
            w = await once()
            lane.budgetMs -= performance.now() - t0
          }
          lane.windows.push(w)
          log(
            `[${key}] slice ${s + 1}/${cfg.slices}: p99 ${w.stats.p99.toFixed(1)} ms, ${w.stats.delivered}/${w.stats.expected}, ` +
              `server ${w.serverCpuSec.toFixed(2)} s, redis ${w.redisCpuSec.toFixed(2)} s, pg ${w.pgCpuSec.toFixed(2)} s, others ${pct(w.noise)}`,
          )
          await Promise.all(lane.rig.pids.map((p) => waitForProcessQuiet(p, cfg.serverQuietMs)))
        } catch (e) {
          fail(lane, `fan-out slice ${s + 1}`, e)
        }
      }
    }
    for (const lane of lanes) if (!lane.failed && lane.windows.length) lane.result.fanout = summarizeLane(lane, meter)
  } finally {
    await Promise.all(lanes.map((l) => l.rig.close()))
  }
}

function summarizeLane(lane: Lane, meter: BackingMeter): FanoutSummary {
  const w = lane.windows
  const sum = (f: (r: WindowResult) => number) => w.reduce((n, r) => n + f(r), 0)
  const stats = summarize(
    w.flatMap((r) => r.stats.samples),
    sum((r) => r.stats.sends),
    sum((r) => r.stats.expected),
  )
  const deliveries = sum((r) => r.deliveries)
  const per1000 = (cpu: number) => (deliveries > 0 ? (cpu / deliveries) * 1000 : Number.NaN)
  const { def } = lane.rig.setup
  const server = per1000(sum((r) => r.serverCpuSec))
  const redis = usesRedis(def) && meter.redisPid !== undefined ? per1000(sum((r) => r.redisCpuSec)) : Number.NaN
  const pg = usesPostgres(def) && meter.postgresReadable ? per1000(sum((r) => r.pgCpuSec)) : Number.NaN
  const orZero = (x: number) => (Number.isNaN(x) ? 0 : x)
  return {
    p50: stats.p50,
    p99: stats.p99,
    delivered: stats.delivered,
    expected: stats.expected,
    throughput: deliveries / sum((r) => r.elapsedSec),
    serverPer1000: server,
    redisPer1000: redis,
    pgPer1000: pg,
    totalPer1000: server + orZero(redis) + orZero(pg),
    peakRss: lane.rig.pids.reduce((n, p) => n + memBytes(p, 'VmHWM'), 0),
    generatorCpu: sum((r) => r.generatorCpu * r.elapsedSec) / sum((r) => r.elapsedSec),
    noise: sum((r) => r.noise * r.elapsedSec) / sum((r) => r.elapsedSec),
  }
}
