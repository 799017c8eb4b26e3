// bench/client: @tandem/client in Chromium and Node, next to y-indexeddb and y-websocket.
// Usage: node --import tsx bench/client/run.ts [--quick] [--only open,keys,many]
// Prints one markdown table and writes it to bench/results/client-<quick|full>.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createLogger, type Relay, startRelay } from '@tandem/server'
import { freePort } from '../relay/proc.ts'
import { type BrowserBench, startBrowserBench } from './browserBench.ts'
import { fullConfig, loadTrace, quickConfig } from './config.ts'
import { runKeystrokes } from './scenarios/keystrokes.ts'
import { runManyDocs } from './scenarios/manyDocs.ts'
import { runOpenFromIndexedDb } from './scenarios/openFromIndexedDb.ts'
import { type ClientBenchResults, renderTable } from './table.ts'

const root = resolve(import.meta.dirname, '../..')
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } })
const cfg = values.quick ? quickConfig : fullConfig
const only = new Set(values.only?.split(',') ?? ['open', 'keys', 'many'])
const log = (msg: string) => process.stderr.write(`${msg}\n`)
const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

const loadAtStart = loadavg()[0] ?? 0
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-client-'))
let relay: Relay | null = null
let bench: BrowserBench | null = null
async function cleanup(): Promise<void> {
  await bench?.close().catch(() => {})
  bench = null
  await relay?.close().catch(() => {})
  relay = null
  rmSync(dataDir, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)))
}
// Nothing may keep the run alive past its budget.
setTimeout(
  () => {
    log('bench/client: over its time budget, stopping')
    void cleanup().finally(() => process.exit(1))
  },
  values.quick ? 240_000 : 1_800_000,
).unref()

const results: ClientBenchResults = { errors: [] }
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  if (!only.has(name)) return
  log(`[${name}]`)
  try {
    await fn()
  } catch (e) {
    results.errors.push(`${name}: ${errMsg(e)}`)
    log(`  ERROR ${errMsg(e)}`)
  }
}

try {
  const trace = loadTrace(root)
  relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir, logger: createLogger('silent') })
  const r = relay
  // A fresh Chromium profile per browser scenario: the bulk history written for (a) keeps
  // Chromium's storage busy compacting for a while, which would bleed into (b)'s latencies.
  const inBrowser = async (slice: number, fn: (b: BrowserBench) => Promise<void>) => {
    const b = await startBrowserBench(trace.txns.slice(0, slice))
    bench = b
    try {
      await fn(b)
    } finally {
      bench = null
      await b.close()
    }
  }
  // Nothing listens here: Tandem's documents are written and opened with the server unreachable.
  const closedUrl = `ws://127.0.0.1:${await freePort()}`
  await step('open', () =>
    inBrowser(cfg.openEdits, async (b) => {
      results.open = await runOpenFromIndexedDb(b, cfg, closedUrl, log)
    }),
  )
  await step('keys', () =>
    inBrowser(cfg.keystrokes, async (b) => {
      results.keys = await runKeystrokes(b, cfg, r.url, log)
    }),
  )
  await step('many', async () => {
    results.many = await runManyDocs(r, cfg, trace.endContent)
  })
} catch (e) {
  results.errors.push(`setup: ${errMsg(e)}`)
} finally {
  await cleanup()
}

const load = `load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (the machine is shared)`
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${load}`
const table = renderTable(cfg, results, machine)
process.stdout.write(table)
mkdirSync(join(root, 'bench/results'), { recursive: true })
writeFileSync(join(root, `bench/results/client-${cfg.mode}.md`), table)
process.exit(results.errors.length > 0 ? 1 : 0)
