import type { ClientBenchConfig } from './config.ts'
import { TRACE_ATTRIBUTION } from './config.ts'
import type { KeystrokeResult } from './scenarios/keystrokes.ts'
import type { ManyDocsResult } from './scenarios/manyDocs.ts'
import type { OpenResult } from './scenarios/openFromIndexedDb.ts'
import { median, quantile } from './stats.ts'

export interface ClientBenchResults {
  open?: OpenResult
  keys?: KeystrokeResult
  many?: ManyDocsResult
  errors: string[]
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a')
const mb = (v: number) => v.toFixed(1)
const spread = (vs: number[]) => `${ms(median(vs))} (${ms(Math.min(...vs))}–${ms(Math.max(...vs))})`
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')

/** One markdown table of every number, with the targets of issue 3 and whether they are met. */
export function renderTable(cfg: ClientBenchConfig, r: ClientBenchResults, machine: string): string {
  const rows: string[][] = []
  const { open, keys, many } = r
  if (open) {
    const t = median(open.tandemMs)
    const y = median(open.yTrimmedMs)
    const yt = median(open.yAsTypedMs)
    const what = `open doc from IndexedDB, ${open.edits.toLocaleString('en-US')} edits: ms, median (min–max) of ${open.tandemMs.length} fresh page loads`
    rows.push([what, spread(open.tandemMs), `${spread(open.yTrimmedMs)} after its trim`, '≤ 50 ms', verdict(t <= 50)])
    rows.push([
      `  vs y-indexeddb after its 1 s trim`,
      `${(y / t).toFixed(1)}x faster`,
      '',
      '≥ 3x faster',
      verdict(y / t >= 3),
    ])
    rows.push([
      `  vs y-indexeddb log as typed (${open.yAsTypedEntries.toLocaleString('en-US')} entries, tab closed before the trim)`,
      `${(yt / t).toFixed(1)}x faster`,
      spread(open.yAsTypedMs),
      '',
      '',
    ])
    const p = open.profile
    rows.push([
      `  profile of the Tandem open: IDB open / read from id 0 (v1 store) / read from the floor (${p.entries} entries) / Y.applyUpdate, ms`,
      `${ms(p.openMs ?? Number.NaN)} / ${ms(p.fromZeroMs ?? Number.NaN)} / ${ms(p.fromFloorMs ?? Number.NaN)} / ${ms(p.applyMs ?? Number.NaN)}`,
      '',
      '',
      '',
    ])
    const a = open.abrupt
    rows.push([
      `first open after the trace was typed and its tab closed at once: ms from outside the page (entries read${a.snapshot ? ' beside the snapshot' : ''})`,
      `${ms(a.firstOpenMs)} (${a.entries.toLocaleString('en-US')})`,
      '',
      '≤ 1,000 ms',
      verdict(a.firstOpenMs <= 1_000),
    ])
    rows.push([`  later opens of it: ms, median (min–max)`, spread(a.laterOpenMs), '', '', ''])
    rows.push([
      'writing that history: s, incl. background compaction (entries left in the store)',
      `${(open.tandemWriteMs / 1000).toFixed(1)} (${open.tandemEntries} after compaction)`,
      cfg.yIndexeddbBulk
        ? `n/a: its ${open.yAsTypedEntries.toLocaleString('en-US')} entries bulk-inserted (typed: > 15 min)`
        : `${(open.yWriteMs / 1000).toFixed(1)} (${open.yAsTypedEntries.toLocaleString('en-US')})`,
      '',
      '',
    ])
  }
  if (keys) {
    const p99s = quantile(keys.storedMs, 0.99)
    const p99a = quantile(keys.ackedMs, 0.99)
    const n = `${keys.keystrokes.toLocaleString('en-US')} keystrokes ${cfg.gapMs} ms apart`
    rows.push([
      `keystroke → committed in IndexedDB, p50 / p99 / max ms (${n})`,
      `${ms(quantile(keys.storedMs, 0.5))} / ${ms(p99s)} / ${ms(Math.max(...keys.storedMs))}`,
      'n/a (no commit signal)',
      'p99 < 16 ms',
      verdict(p99s < 16),
    ])
    rows.push([
      `keystroke → server ack, p50 / p99 / max ms (${n})`,
      `${ms(quantile(keys.ackedMs, 0.5))} / ${ms(p99a)} / ${ms(Math.max(...keys.ackedMs))}`,
      'n/a (no acks)',
      'p99 < 50 ms',
      verdict(p99a < 50),
    ])
  }
  if (many) {
    const { tandem: t, yWebsocket: y } = many
    const d = cfg.docs
    rows.push([
      `${d} open docs: WebSocket connections (client-side / on the relay)`,
      `${t.sockets} / ${t.relayConnections}`,
      `${y.sockets} / ${y.relayConnections}`,
      '',
      '',
    ])
    rows.push([`${d} open docs: client heap growth after GC (MB)`, mb(t.heapMB), mb(y.heapMB), '', ''])
    rows.push([`${d} open docs: client RSS growth (MB)`, mb(t.rssMB), mb(y.rssMB), '', ''])
    rows.push([
      `${d} open docs (${cfg.docChars} chars each): time until all synced (ms)`,
      ms(t.syncMs),
      ms(y.syncMs),
      '',
      '',
    ])
  }
  const header = ['metric', '@tandem/client', 'y-indexeddb / y-websocket', 'target (issue 3)', '']
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const out = [
    `## bench/client (${cfg.mode})`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    `Trace: ${TRACE_ATTRIBUTION}.`,
    `Machine: ${machine}. Chromium headless, on-disk profile (warm OS cache); relay in the bench process (SQLite, 127.0.0.1).`,
  ]
  if (r.errors.length > 0) out.push('', ...r.errors.map((e) => `ERROR ${e}`))
  return `${out.join('\n')}\n`
}
