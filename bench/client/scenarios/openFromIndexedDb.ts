// (a) Open a document whose history is the trace from IndexedDB: @tandem/client vs y-indexeddb
// holding the same history, each written as it would be while typing (bursts of edits, each
// edit its own transaction; Tandem with the server unreachable). Every load runs in a freshly
// reloaded page, so nothing is cached in JS memory (the OS file cache is warm).
import type { BrowserBench } from '../browserBench.ts'
import type { ClientBenchConfig } from '../config.ts'
import { bounded } from '../stats.ts'

export interface OpenResult {
  edits: number
  tandemMs: number[]
  tandemWriteMs: number
  /** Entries in Tandem's log once its background compaction settled. */
  tandemEntries: number
  yAsTypedMs: number[]
  yAsTypedEntries: number
  yTrimmedMs: number[]
  yWriteMs: number
  /** One fresh-page read of Tandem's store: open, 'doc' index scan, primary-key read (ms). */
  profile: Record<string, number>
  /** The trace typed and the tab closed at once: what the next open read, and its time. */
  abrupt: { entries: number; snapshot: boolean; firstOpenMs: number; laterOpenMs: number[] }
}

const LONG = 900_000

export async function runOpenFromIndexedDb(
  bench: BrowserBench,
  cfg: ClientBenchConfig,
  closedUrl: string,
  log: (m: string) => void,
): Promise<OpenResult> {
  const { page } = bench
  let t = Date.now()
  log(`  writing ${cfg.openEdits} edits through @tandem/client (server offline)`)
  const written = await bounded(
    'tandem write',
    page.evaluate(([url, batch]) => window.clientBench.writeTandem(url, 'paper', batch), [
      closedUrl,
      cfg.writeBatch,
    ] as const),
    LONG,
  )
  const tandemWriteMs = Date.now() - t
  const tandemHash = written.hash
  t = Date.now()
  log(`  writing ${cfg.openEdits} edits through y-indexeddb${cfg.yIndexeddbBulk ? ' (bulk-inserted entries)' : ''}`)
  const y = await bounded(
    'y-indexeddb write',
    cfg.yIndexeddbBulk
      ? page.evaluate(() => window.clientBench.writeYIndexeddbBulk('paper-y'))
      : page.evaluate((batch) => window.clientBench.writeYIndexeddb('paper-y', batch), cfg.writeBatch),
    LONG,
  )
  const yWriteMs = Date.now() - t
  if (y.hash !== tandemHash) throw new Error(`the two writers produced different texts (${y.hash} vs ${tandemHash})`)

  const check = (what: string, hash: string) => {
    if (hash !== tandemHash) throw new Error(`${what} loaded a different text (${hash}, expected ${tandemHash})`)
  }
  const tandemMs: number[] = []
  const yAsTypedMs: number[] = []
  log(`  timing ${cfg.loads} loads each (fresh page per load)`)
  for (let i = 0; i < cfg.loads; i++) {
    await bench.fresh()
    const a = await bounded(
      'tandem load',
      page.evaluate((url) => window.clientBench.loadTandem(url, 'paper'), closedUrl),
      120_000,
    )
    check('@tandem/client', a.hash)
    tandemMs.push(a.ms)
    await bench.fresh()
    const b = await bounded(
      'y-indexeddb load',
      page.evaluate(() => window.clientBench.loadYIndexeddb('paper-y')),
      300_000,
    )
    check('y-indexeddb', b.hash)
    yAsTypedMs.push(b.ms)
  }
  // Where Tandem's open goes: the store's read through its 'doc' index vs the same record by key.
  await bench.fresh()
  const profile = await bounded(
    'profile',
    page.evaluate((url) => window.clientBench.profileIdbRead(`tandem:${url}`, 'paper'), closedUrl),
    120_000,
  )
  // The trace typed and the tab closed at once, wherever the writes and compaction were; the
  // next open is timed in the page and (as a user would wait for it) from outside.
  log('  typing the trace into a second document and closing the tab at once')
  await bench.fresh()
  const abruptHash = await bounded(
    'tandem type and leave',
    page.evaluate(([url, batch]) => window.clientBench.typeTandemAndLeave(url, 'paper-abrupt', batch), [
      closedUrl,
      cfg.writeBatch,
    ] as const),
    LONG,
  )
  if (abruptHash !== tandemHash) throw new Error('the abruptly closed document was typed differently')
  await bench.fresh()
  const stored = await page.evaluate((url) => window.clientBench.storedEntries(url, 'paper-abrupt'), closedUrl)
  await bench.fresh()
  const outside = Date.now()
  const first = await bounded(
    'tandem first open after the abrupt close',
    page.evaluate((url) => window.clientBench.loadTandem(url, 'paper-abrupt'), closedUrl),
    LONG,
  )
  const firstOpenMs = Date.now() - outside
  const laterOpenMs: number[] = []
  for (let i = 0; i < 3; i++) {
    await bench.fresh()
    laterOpenMs.push((await page.evaluate((url) => window.clientBench.loadTandem(url, 'paper-abrupt'), closedUrl)).ms)
  }
  log(
    `  first open after the abrupt close: ${firstOpenMs} ms from outside (${first.ms.toFixed(1)} in the page), ${stored.entries} entries`,
  )
  const abrupt = { ...stored, firstOpenMs, laterOpenMs }

  log('  letting y-indexeddb trim its log, then timing its loads again')
  await bench.fresh()
  await bounded(
    'y-indexeddb trim',
    page.evaluate(() => window.clientBench.trimYIndexeddb('paper-y')),
    300_000,
  )
  const yTrimmedMs: number[] = []
  for (let i = 0; i < cfg.loads; i++) {
    await bench.fresh()
    const b = await bounded(
      'y-indexeddb load',
      page.evaluate(() => window.clientBench.loadYIndexeddb('paper-y')),
      120_000,
    )
    check('y-indexeddb (trimmed)', b.hash)
    yTrimmedMs.push(b.ms)
  }
  return {
    edits: cfg.openEdits,
    tandemMs,
    tandemWriteMs,
    tandemEntries: written.entries,
    yAsTypedMs,
    yAsTypedEntries: y.entries,
    yTrimmedMs,
    yWriteMs,
    profile,
    abrupt,
  }
}
