// bench/relay: Tandem, @y/websocket-server, Hocuspocus and a raw forwarder side by side.
// Usage: node --import tsx bench/relay/run.ts [--quick] [--only tandem,raw] [--scenarios fanout,ramp,cold,idle]
// Prints one markdown table and writes it to bench/results/relay-<quick|full>.md.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type BenchConfig, fullConfig, quickConfig } from './config.ts'
import { waitForQuietMachine } from './cpuload.ts'
import { hasTaskset, killAll, pinSelf } from './proc.ts'
import { runColdLoad } from './scenarios/coldLoad.ts'
import { runFanoutAll } from './scenarios/fanout.ts'
import { runIdle } from './scenarios/idle.ts'
import { GENERATOR_CORE, type Instance, launch, SERVER_CORE, servers, shutdown } from './servers/index.ts'
import { renderTable, type ServerResult } from './table.ts'
import { buildEditLog, type EditLog, TRACE_ATTRIBUTION } from './trace.ts'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, only: { type: 'string' }, scenarios: { type: 'string' } },
})
const scenarios = (values.scenarios ?? 'fanout,ramp,cold,idle').split(',')
const base: BenchConfig = values.quick ? quickConfig : fullConfig
const cfg: BenchConfig = scenarios.includes('ramp') ? base : { ...base, ramp: { ...base.ramp, rates: [] } }
const only = values.only?.split(',')
const log = (msg: string) => process.stderr.write(`${msg}\n`)
const errMsg = (e: unknown) => {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim())
  // first line, plus the tail of a server's output when it failed to start
  return [lines[0], ...lines.slice(1).slice(-3)].join(' / ').slice(0, 600)
}

const cleanupAndExit = (code: number) => {
  killAll()
  process.exit(code)
}
process.on('SIGINT', () => cleanupAndExit(130))
process.on('SIGTERM', () => cleanupAndExit(143))
process.on('uncaughtException', (e) => {
  log(`uncaught: ${e.stack ?? e}`)
  cleanupAndExit(1)
})
process.on('exit', killAll)

/** Fan-out and ramp: every server started at once, measured in turns (see scenarios/fanout.ts). */
async function fanoutPhase(results: ServerResult[], tmp: string): Promise<void> {
  const busy = await waitForQuietMachine(cfg.mode === 'full' ? 30_000 : 0)
  log(`fan-out: machine busy before start: ${(busy * 100).toFixed(0)}% of all cores`)
  const insts: Instance[] = []
  try {
    for (const r of results) {
      try {
        insts.push(await launch(r.spec, root, join(tmp, r.spec.id, 'fanout')))
      } catch (e) {
        r.errors.push(`fan-out: ${errMsg(e)}`)
        log(`  [${r.spec.id}] ERROR fan-out start: ${errMsg(e)}`)
      }
    }
    const out = await runFanoutAll(insts, cfg)
    for (const [inst, res] of out) {
      const r = results.find((x) => x.spec === inst.spec)!
      if (res instanceof Error) {
        r.errors.push(`fan-out: ${errMsg(res)}`)
        log(`  [${r.spec.id}] ERROR fan-out: ${errMsg(res)}`)
      } else r.fanout = res
    }
  } finally {
    await Promise.all(insts.map((i) => shutdown(i)))
  }
}

/** Cold load and idle footprint, one server at a time. */
async function storagePhase(result: ServerResult, tmp: string, edits: EditLog): Promise<void> {
  const { spec } = result
  const step = async (name: string, fn: () => Promise<void>) => {
    log(`[${spec.id}] ${name}`)
    try {
      await fn()
    } catch (e) {
      result.errors.push(`${name}: ${errMsg(e)}`)
      log(`  ERROR ${errMsg(e)}`)
    }
  }
  if (spec.persists && scenarios.includes('cold')) {
    await step('cold load', async () => {
      result.cold = await runColdLoad(spec, root, join(tmp, spec.id, 'cold'), edits, cfg.quietMs, cfg.cold.restarts)
    })
  }
  if (scenarios.includes('idle')) {
    await step('idle footprint', async () => {
      result.idle = await runIdle(spec, root, join(tmp, spec.id, 'idle'), cfg)
    })
  }
}

function report(results: ServerResult[], edits: EditLog, seconds: number): string {
  const f = cfg.fanout
  const i = cfg.idle
  const lines = [
    `# bench/relay (${cfg.mode})`,
    '',
    renderTable(results),
    '',
    `- fan-out: ${f.rooms} rooms x ${f.clientsPerRoom} clients, ${f.ratePerSec} inserts/s each for ${f.durationMs / 1000} s ` +
      `in ${f.slices} slice(s) taken in turn across the servers, each after ${f.warmupMs / 1000} s warm-up); ramp steps ${cfg.ramp.rates.join(', ')}/s, ${cfg.ramp.stepMs / 1000} s each.`,
    `- cold load: ${edits.source}; final text ${edits.text.length.toLocaleString('en-US')} chars.`,
    `- idle: ${i.docs} documents of about ${i.docBytes / 1000} KB, ${i.connections} connections.`,
    `- servers pinned to core ${SERVER_CORE}, load generator to core ${GENERATOR_CORE}` +
      (hasTaskset ? '' : ' (taskset missing: NOT pinned)') +
      `; node ${process.version}; total ${seconds.toFixed(0)} s.`,
    `- trace credit: ${TRACE_ATTRIBUTION}.`,
  ]
  for (const r of results) {
    const steps = r.fanout?.steps.map(
      (s) =>
        `${s.rate}/s: p99 ${s.p99.toFixed(1)} ms, sent ${s.achievedRate.toFixed(1)}/s, generator ${(s.generatorCpu * 100).toFixed(0)}%, ` +
        `others ${(s.foreignCpu * 100).toFixed(0)}%`,
    )
    if (steps) lines.push(`- ramp ${r.spec.id}: ${steps.join('; ')}`)
    if (r.fanout)
      lines.push(`- generator CPU during fan-out (${r.spec.id}): ${(r.fanout.generatorCpu * 100).toFixed(0)}%`)
    for (const e of r.errors) lines.push(`- ERROR ${r.spec.id}: ${e}`)
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<number> {
  const t0 = performance.now()
  // Tandem is measured as users run it, compiled: build it now, so the run is never stale.
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('npm run build failed')
  if (!pinSelf(GENERATOR_CORE)) log('taskset not found: servers and generator are not pinned')
  const tmp = mkdtempSync(join(tmpdir(), 'tandem-relay-bench-'))
  const results: ServerResult[] = []
  try {
    const edits = buildEditLog(root, scenarios.includes('cold') ? cfg.cold.edits : 0)
    log(`edit log: ${edits.updates.length} updates, ${edits.text.length} chars`)
    for (const spec of servers) {
      if (only && !only.includes(spec.id)) continue
      const result: ServerResult = { spec, errors: [] }
      results.push(result)
      if (!spec.available(root)) result.errors.push('not available (server not built or package missing)')
    }
    const runnable = results.filter((r) => r.errors.length === 0)
    if (scenarios.includes('fanout')) await fanoutPhase(runnable, tmp)
    for (const r of runnable) await storagePhase(r, tmp, edits)
    const text = report(results, edits, (performance.now() - t0) / 1000)
    process.stdout.write(text)
    if (!only && !values.scenarios) {
      // Only complete runs replace the results file.
      mkdirSync(join(root, 'bench/results'), { recursive: true })
      writeFileSync(join(root, `bench/results/relay-${cfg.mode}.md`), text)
    }
    return results.some((r) => r.errors.length > 0) ? 1 : 0
  } finally {
    killAll()
    rmSync(tmp, { recursive: true, force: true })
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`bench failed: ${e instanceof Error ? e.stack : e}`)
    cleanupAndExit(1)
  },
)
