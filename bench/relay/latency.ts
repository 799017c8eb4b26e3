// Edit-to-peer latency without applying updates at the receivers: every insert is exactly
// EDIT_CHARS long, so a sender's k-th insert owns clocks [k*EDIT_CHARS, (k+1)*EDIT_CHARS). A
// receiver reads the clock ranges of whatever update arrives (servers may merge updates) with
// Y.parseUpdateMeta and looks the send time up. Undelivered edits count as infinitely late.
import * as Y from 'yjs'

export const EDIT_CHARS = 8

export interface WindowStats {
  sends: number
  expected: number
  delivered: number
  p50: number
  p99: number
  /** latency of every delivery of the window, ms */
  samples: number[]
}

/** Percentiles over `expected` deliveries; those missing from `samples` count as infinitely late. */
export function summarize(samples: number[], sends: number, expected: number): WindowStats {
  const sorted = Float64Array.from(samples).sort()
  const pick = (q: number) => {
    if (expected === 0) return Number.NaN
    const idx = Math.max(0, Math.ceil(q * expected) - 1)
    return idx < sorted.length ? sorted[idx]! : Number.POSITIVE_INFINITY
  }
  return { sends, expected, delivered: sorted.length, p50: pick(0.5), p99: pick(0.99), samples }
}

export class LatencyTracker {
  private readonly sendTimes = new Map<number, number[]>()
  private windowStart = Number.POSITIVE_INFINITY
  private windowEnd = Number.POSITIVE_INFINITY
  private samples: number[] = []
  private windowSends = 0
  /** every counted delivery (sender != receiver, first receipt), for CPU per delivered update */
  deliveries = 0

  constructor(private readonly peersPerSend: number) {}

  /** Call right before the k-th local insert of `clientId`. */
  recordSend(clientId: number): void {
    let times = this.sendTimes.get(clientId)
    if (!times) {
      times = []
      this.sendTimes.set(clientId, times)
    }
    const now = performance.now()
    times.push(now)
    if (now >= this.windowStart && now < this.windowEnd) this.windowSends++
  }

  /** A receive handler for the client whose own Y.Doc clientID is `ownId`. */
  receiver(ownId: number): (update: Uint8Array, at: number) => void {
    const lastK = new Map<number, number>()
    return (update, at) => {
      const meta = Y.parseUpdateMeta(update)
      for (const [client, to] of meta.to) {
        if (client === ownId) continue
        const times = this.sendTimes.get(client)
        if (!times) continue
        const from = meta.from.get(client) ?? 0
        const first = Math.max(Math.ceil(from / EDIT_CHARS), (lastK.get(client) ?? -1) + 1)
        const last = Math.min(Math.floor(to / EDIT_CHARS) - 1, times.length - 1)
        for (let k = first; k <= last; k++) {
          const sent = times[k]!
          this.deliveries++
          if (sent >= this.windowStart && sent < this.windowEnd) this.samples.push(at - sent)
        }
        if (last >= first) lastK.set(client, last)
      }
    }
  }

  /** Start counting sends made from now on. */
  openWindow(): void {
    this.samples = []
    this.windowSends = 0
    this.windowStart = performance.now()
    this.windowEnd = Number.POSITIVE_INFINITY
  }

  /** Stop counting new sends; deliveries of the window's sends keep arriving until `stats()`. */
  closeWindow(): void {
    this.windowEnd = performance.now()
  }

  get windowDelivered(): number {
    return this.samples.length
  }

  get windowExpected(): number {
    return this.windowSends * this.peersPerSend
  }

  stats(): WindowStats {
    return summarize(this.samples, this.windowSends, this.windowSends * this.peersPerSend)
  }
}
