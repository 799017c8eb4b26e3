// The edit load both fan-out rigs (one server, and a cluster) put on their clients.
import type { BenchClient } from './client/BenchClient.ts'
import { sleep } from './client/pool.ts'
import { EDIT_CHARS, type LatencyTracker } from './latency.ts'
import { randomWord } from './prng.ts'

/**
 * Every client inserts EDIT_CHARS random characters at a random place of its Y.Text `rate`
 * times a second, each starting at a random phase (from `rand`, so runs repeat). Returns the
 * function that stops them all.
 */
export function startTyping(
  clients: readonly BenchClient[],
  tracker: LatencyTracker,
  rand: () => number,
  rate: number,
): () => void {
  const period = 1000 / rate
  const timers: NodeJS.Timeout[] = []
  for (const client of clients) {
    const text = client.doc.getText('t')
    const id = client.doc.clientID
    const tick = () => {
      tracker.recordSend(id)
      text.insert(Math.floor(rand() * (text.length + 1)), randomWord(rand, EDIT_CHARS))
    }
    timers.push(
      setTimeout(() => {
        tick()
        timers.push(setInterval(tick, period))
      }, rand() * period),
    )
  }
  return () => {
    for (const t of timers) clearTimeout(t)
  }
}

/** Waits, up to `drainMs`, until every edit sent in the window reached every peer. */
export async function drainWindow(tracker: LatencyTracker, drainMs: number): Promise<void> {
  const end = performance.now() + drainMs
  while (performance.now() < end && tracker.windowDelivered < tracker.windowExpected) await sleep(20)
}
