// Per-core busy time from /proc/stat, to see how much CPU other processes took from the
// pinned server and load generator during a measurement (a shared machine is noisy).
import { readFileSync } from 'node:fs'
import { sleep } from './client/pool.ts'
import { cpuSeconds } from './proc.ts'

const CLK_TCK = 100

/** busy seconds per core since boot (user+nice+system+irq+softirq+steal) */
export function coreBusy(): number[] {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l))
      .map((l) => {
        const f = l.split(/\s+/).slice(1).map(Number)
        const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f
        return (user + nice + system + irq + softirq + steal) / CLK_TCK
      })
  } catch {
    return []
  }
}

/** Busy seconds of `core` between two coreBusy() snapshots. */
export function busyBetween(a: number[], b: number[], core: number): number {
  return (b[core] ?? 0) - (a[core] ?? 0)
}

/**
 * Waits (at most `maxMs`) until the whole machine is below `threshold` busy over half a
 * second, so a run does not start while someone else's tests hold the cores. Returns the
 * last measured busy share (0..1 of all cores).
 */
export async function waitForQuietMachine(maxMs: number, threshold = 0.15): Promise<number> {
  const end = performance.now() + maxMs
  let share = 0
  do {
    const a = coreBusy()
    const t0 = performance.now()
    await sleep(500)
    const b = coreBusy()
    const secs = (performance.now() - t0) / 1000
    const busy = a.reduce((sum, _, i) => sum + busyBetween(a, b, i), 0)
    share = a.length ? busy / (secs * a.length) : 0
    if (share < threshold) return share
  } while (performance.now() < end)
  return share
}

/**
 * Waits (at most `maxMs`) until process `pid` has used under 2% of a core for `sustainMs`, so
 * that deferred work of one server (debounced stores, compaction) does not land in the next
 * server's measurement.
 */
export async function waitForProcessQuiet(pid: number, sustainMs: number, maxMs = 12_000): Promise<void> {
  if (sustainMs <= 0) return
  const end = performance.now() + maxMs
  let quietSince = performance.now()
  let last = cpuSeconds(pid)
  while (performance.now() < end) {
    await sleep(250)
    const now = cpuSeconds(pid)
    if (now - last > 0.005) quietSince = performance.now()
    else if (performance.now() - quietSince >= sustainMs) return
    last = now
  }
}
