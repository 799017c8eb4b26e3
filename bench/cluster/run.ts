// bench/cluster: fan-out through 1, 2 and 3 Tandem instances on PostgreSQL + Redis, one
// Tandem on SQLite, and Hocuspocus with its Redis extension (1 and 2 instances).
// Usage: node --import tsx bench/cluster/run.ts [--quick] [--only tpg1,tpg2,tpg3,tsql,hp1,hp2]
// Prints one markdown table and writes it to bench/results/cluster-<quick|full>.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { waitForQuietMachine } from '../relay/cpuload.ts'
import { hasTaskset, killAll, pinSelf } from '../relay/proc.ts'
import { GENERATOR_CORE, SERVER_CORE } from '../relay/servers/index.ts'
import { BackingMeter } from './backing.ts'
import { fullConfig, quickConfig } from './config.ts'
import { runAll } from './measure.ts'
import {
  cleanupServices,
  type Services,
  type Setup,
  type SetupDef,
  setupDefs,
  startSetup,
  stopSetup,
} from './setups.ts'
import { renderTable, type SetupResult } from './table.ts'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } })
const cfg = values.quick ? quickConfig : fullConfig
const only = values.only?.split(',')
const log = (msg: string) => process.stderr.write(`${msg}\n`)
const errMsg = (e: unknown) => {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim())
  return [lines[0], ...lines.slice(1).slice(-3)].join(' / ').slice(0, 600)
}
const svc: Services = {
  pgUrl: process.env.TANDEM_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.TANDEM_TEST_REDIS ?? 'redis://127.0.0.1:6379',
  runId: `bench_cluster_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
}

let cleaned = false
const cleanupAndExit = (code: number) => {
  killAll()
  if (cleaned) process.exit(code)
  cleaned = true
  // Best effort within 5 s: the schemas and keys of this run.
  setTimeout(() => process.exit(code), 5_000).unref()
  cleanupServices(svc).finally(() => process.exit(code))
}
process.on('SIGINT', () => cleanupAndExit(130))
process.on('SIGTERM', () => cleanupAndExit(143))
process.on('uncaughtException', (e) => {
  log(`uncaught: ${e.stack ?? e}`)
  cleanupAndExit(1)
})
process.on('exit', killAll)

function report(results: SetupResult[], meter: BackingMeter, seconds: number, startBusy: number) {
  const lines = [
    `# bench/cluster (${cfg.mode})`,
    '',
    renderTable(results),
    '',
    `- fan-out: ${cfg.rooms} rooms x ${cfg.clientsPerRoom} clients, ${cfg.ratePerSec} inserts of 8 characters/s each, ` +
      `${cfg.durationMs / 1000} s measured per setup in ${cfg.slices} slice(s) taken in turn across the setups ` +
      `(each after ${cfg.warmupMs / 1000} s warm-up, drain up to ${cfg.drainMs / 1000} s); client i of a setup connects ` +
      'to instance i mod n, so every room has clients on every instance and its updates cross Redis.',
    `- Tandem: \`server/bin/tandem-server-dev.mjs\` with \`--postgres --redis\` (schema and Redis prefix of its own per setup ` +
      'and run, dropped afterwards) or with SQLite only; rate limits raised as in bench/relay. Hocuspocus 4.7: ' +
      '`bench/cluster/servers/hocuspocus-redis.mjs`, `@hocuspocus/extension-redis` (defaults) + one ' +
      '`@hocuspocus/extension-sqlite` file per instance (its Redis lock lets one instance store a document at a time).',
    `- every server instance pinned to core ${SERVER_CORE}, the load generator to core ${GENERATOR_CORE}` +
      (hasTaskset ? '' : ' (taskset missing: NOT pinned)') +
      "; Redis and PostgreSQL are the machine's services, not pinned: they run on either core.",
    `- Redis CPU: ${meter.redisPid ? `/proc/${meter.redisPid} (all of redis-server, including any other client of it)` : 'could NOT be read'}; ` +
      `PostgreSQL CPU: ${meter.postgresReadable ? `/proc of the postmaster (${meter.postmasterPid}), its auxiliary processes and the backends opened by that setup (application_name)` : 'could NOT be read'}.`,
    '- cost per delivered update = CPU seconds from window start to the end of the drain / deliveries received in that time; ' +
      '"cost vs 1 instance" divides by the one-instance setup of the same server (n/a for SQLite).',
    `- noise: CPU of every other process on the two cores during the windows; machine busy before start ${(startBusy * 100).toFixed(0)}% ` +
      `of all cores; node ${process.version}; total ${seconds.toFixed(0)} s.`,
  ]
  for (const r of results) for (const e of r.errors) lines.push(`- ERROR ${r.def.label}: ${e}`)
  return `${lines.join('\n')}\n`
}

async function main(): Promise<number> {
  const t0 = performance.now()
  if (!pinSelf(GENERATOR_CORE)) log('taskset not found: servers and generator are not pinned')
  const tmp = mkdtempSync(join(tmpdir(), 'tandem-cluster-bench-'))
  const meter = await BackingMeter.open(svc.pgUrl, svc.redisUrl)
  const results: SetupResult[] = setupDefs
    .filter((d) => !only || only.includes(d.key))
    .map((def) => ({ def, errors: [] }))
  const setups: Setup[] = []
  try {
    const startBusy = await waitForQuietMachine(cfg.quietStartMs)
    log(`machine busy before start: ${(startBusy * 100).toFixed(0)}% of all cores; run ${svc.runId}`)
    // Ten relay processes starting at once on a busy machine: a start that fails is logged and
    // tried once more before it counts as the setup's error.
    const startOnce = (def: SetupDef, attempt: number) => startSetup(def, svc, root, join(tmp, `try${attempt}`))
    const started = await Promise.allSettled(
      results.map((r) =>
        startOnce(r.def, 1).catch((e: unknown) => {
          log(`${r.def.key}: start failed, retrying: ${errMsg(e)}`)
          return startOnce(r.def, 2)
        }),
      ),
    )
    started.forEach((s, i) => {
      if (s.status === 'fulfilled') setups.push(s.value)
      else results[i]!.errors.push(`start: ${errMsg(s.reason)}`)
    })
    log(`started ${setups.length} setups in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    await runAll(setups, meter, cfg, results, errMsg)
    const text = report(results, meter, (performance.now() - t0) / 1000, startBusy)
    process.stdout.write(text)
    if (!only) {
      mkdirSync(join(root, 'bench/results'), { recursive: true })
      writeFileSync(join(root, `bench/results/cluster-${cfg.mode}.md`), text)
    }
    return results.some((r) => r.errors.length > 0) ? 1 : 0
  } finally {
    await Promise.all(setups.map((s) => stopSetup(s)))
    killAll()
    for (const p of await cleanupServices(svc)) log(`cleanup: ${p}`)
    cleaned = true
    await meter.close()
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
