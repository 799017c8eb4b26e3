// bench/records: initial sync of many records, a delta after it, and a Merkle check-in next to
// a full resync, with @tandem/client against the real relay (a child process), once in Chromium.
// Usage: node --import tsx bench/records/run.ts [--quick]
// Prints one markdown table and writes it to bench/results/records-<quick|full>.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type ServerProcess, spawnServer } from '../../tests/helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../../tests/helpers/tempDir.ts'
import { chromiumInitialSync } from './chromium.ts'
import { NodeReplica } from './nodeScenarios.ts'
import { range, writeTasks } from './seed.ts'
import { type RecordsBenchResults, renderTable } from './table.ts'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({ options: { quick: { type: 'boolean' } } })
const mode = values.quick ? 'quick' : 'full'
// Quick keeps CI short; the ratios it checks do not depend on the size.
const cfg = values.quick
  ? { records: 10_000, changes: 100, phaseMs: 60_000 }
  : { records: 100_000, changes: 100, phaseMs: 180_000 }
const log = (msg: string) => process.stderr.write(`${msg}\n`)
const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

let server: ServerProcess | null = null
let dataDir = ''
let replica: NodeReplica | null = null
async function cleanup(): Promise<void> {
  replica?.close()
  replica = null
  if (server?.alive()) await server.kill9().catch(() => {})
  server = null
  if (dataDir) await removeDir(dataDir).catch(() => {})
  dataDir = ''
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)))
}
// Nothing may keep the run alive past its budget.
setTimeout(
  () => {
    log('bench/records: over its time budget, stopping')
    void cleanup().finally(() => process.exit(1))
  },
  values.quick ? 200_000 : 1_200_000,
).unref()

const loadAtStart = loadavg()[0] ?? 0
const results: RecordsBenchResults = { records: cfg.records, changes: cfg.changes, errors: [] }
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  log(`[${name}]`)
  const start = Date.now()
  try {
    await fn()
    log(`  done in ${Date.now() - start} ms`)
  } catch (e) {
    results.errors.push(`${name}: ${errMsg(e)}`)
    log(`  ERROR ${errMsg(e)}`)
  }
}

try {
  dataDir = await makeTempDir('bench-records')
  server = await spawnServer({ dataDir })
  const { url } = server
  const http = url.replace(/^ws:/, 'http:')
  const collection = 'bench-tasks'
  await step('seed', () => writeTasks(http, collection, range(cfg.records)))
  const node = new NodeReplica(url, collection, cfg.phaseMs)
  replica = node
  await step('initial', async () => {
    results.initial = await node.initialSync(cfg.records)
  })
  await step('delta', async () => {
    results.delta = await node.delta(http, cfg.changes, cfg.records)
  })
  await step('check-in', async () => {
    results.checkIn = await node.checkIn(Math.floor(cfg.records / 2) + 7)
  })
  node.close()
  await step('chromium', async () => {
    results.chromium = await chromiumInitialSync(url, collection, cfg.records, cfg.phaseMs)
  })
} catch (e) {
  results.errors.push(`setup: ${errMsg(e)}`)
} finally {
  await cleanup()
}

const load = `load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (the machine is shared)`
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${load}`
const table = renderTable(mode, results, machine)
process.stdout.write(table)
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, `bench/results/records-${mode}.md`), table)
process.exit(results.errors.length > 0 ? 1 : 0)
