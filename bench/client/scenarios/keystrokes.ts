// (b) Keystrokes with the server connected: each edit of a trace slice is its own transaction,
// `gapMs` apart; per keystroke, the time until the client reports it committed in IndexedDB
// and until the relay acked it (the relay acks only after its own commit).
import type { BrowserBench } from '../browserBench.ts'
import type { ClientBenchConfig } from '../config.ts'
import { bounded } from '../stats.ts'

export interface KeystrokeResult {
  keystrokes: number
  storedMs: number[]
  ackedMs: number[]
}

export async function runKeystrokes(
  bench: BrowserBench,
  cfg: ClientBenchConfig,
  relayUrl: string,
  log: (m: string) => void,
): Promise<KeystrokeResult> {
  await bench.fresh()
  const r = await bounded(
    'keystroke replay',
    bench.page.evaluate(([url, n, gap]) => window.clientBench.replayTandem(url, 'keys', n, gap), [
      relayUrl,
      cfg.keystrokes,
      cfg.gapMs,
    ] as const),
    cfg.keystrokes * (cfg.gapMs + 20) + 60_000,
  )
  if (r.stored.length < cfg.keystrokes || r.acked.length < cfg.keystrokes) {
    throw new Error(`only ${r.stored.length} stored and ${r.acked.length} acked of ${cfg.keystrokes} keystrokes`)
  }
  const slow = r.acked.flatMap((v, i) => (v > 30 ? [`#${i}: ${v.toFixed(0)}`] : []))
  if (slow.length > 0) log(`  acks over 30 ms: ${slow.slice(0, 30).join(', ')}${slow.length > 30 ? ', ...' : ''}`)
  return { keystrokes: cfg.keystrokes, storedMs: r.stored, ackedMs: r.acked }
}
