// bench/history: the automerge-paper trace stored with a version every 1,000 edits, on SQLite
// and on PostgreSQL; storage against the document encoded with GC off, and the times to list,
// preview and restore versions over REST.
// Usage: node --import tsx bench/history/run.ts [--quick]
// Prints one markdown table and writes it to bench/results/history-<quick|full>.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { PostgresDocStorage } from '@tandem/server'
import { startTestRelay, type TestRelay } from '../../tests/helpers/relay.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../../tests/helpers/services.ts'
import { type HistoryFigures, measureHistory } from './measureHistory.ts'
import { renderHistoryTable } from './table.ts'
import { traceBatches } from './traceBatches.ts'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({ options: { quick: { type: 'boolean' } } })
const mode = values.quick ? 'quick' : 'full'
const EVERY = 1_000
const log = (msg: string) => process.stderr.write(`${msg}\n`)
const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

let relay: TestRelay | null = null
let schema = ''
async function cleanup(): Promise<void> {
  await relay?.stop().catch(() => {})
  relay = null
  if (schema) await dropSchema(schema).catch(() => {})
  schema = ''
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)))
}
setTimeout(
  () => {
    log('bench/history: over its time budget, stopping')
    void cleanup().finally(() => process.exit(1))
  },
  values.quick ? 150_000 : 1_200_000,
).unref()

const trace = traceBatches(root, values.quick ? 20_000 : Number.POSITIVE_INFINITY, EVERY)
log(`${trace.source}: ${trace.batches.length} versions, ${trace.gcOffBytes} B with GC off`)
const results: Record<string, HistoryFigures | undefined> = {}
const errors: string[] = []
// Versions are taken every committed change (one POST = one batch) and never at a quiet point.
const history = { historyEveryChanges: 1, historyQuietMs: 3_600_000 }

async function backend(name: string, start: () => Promise<TestRelay>): Promise<void> {
  log(`[${name}]`)
  results[name] = undefined
  try {
    relay = await start()
    results[name] = await measureHistory(relay.url.replace(/^ws:/, 'http:'), trace, log)
  } catch (e) {
    errors.push(`${name}: ${errMsg(e)}`)
    log(`  ERROR ${errMsg(e)}`)
  } finally {
    await cleanup()
  }
}

await backend('SQLite', () => startTestRelay(history))
if (await postgresAvailable()) {
  await backend('PostgreSQL', async () => {
    schema = uniqueSchema('bench_history')
    return startTestRelay({ ...history, storage: await PostgresDocStorage.connect({ url: POSTGRES_URL, schema }) })
  })
} else {
  errors.push('PostgreSQL: not reachable, skipped')
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`
const table = renderHistoryTable(mode, trace, results, machine, errors)
process.stdout.write(table)
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, `bench/results/history-${mode}.md`), table)
process.exit(errors.some((e) => !e.endsWith('skipped')) ? 1 : 0)
