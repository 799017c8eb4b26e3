import { createTandem } from '@tandem/client'
import { backoffCeiling } from '@tandem/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'

/** A WebSocket that never connects: every attempt fails right away, as with a server that is down. */
class RefusingSocket {
  static attempts: number[] = []
  onopen: (() => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  onmessage: (() => void) | null = null
  onerror: (() => void) | null = null
  binaryType = 'arraybuffer'
  constructor() {
    RefusingSocket.attempts.push(Date.now())
    setTimeout(() => this.onclose?.({ code: 1006 }), 0)
  }
  send(): void {}
  close(): void {}
}

afterEach(() => {
  vi.useRealTimers()
})

describe('reconnect backoff', () => {
  it('waits a uniformly jittered delay under an exponentially growing ceiling, capped at 30 s', async () => {
    vi.useFakeTimers()
    RefusingSocket.attempts = []
    const draws = [0.5, 0.9, 0.1, 0.99, 0.5, 0.7, 0.3, 0.999, 0.999, 0.999, 0.999]
    let n = 0
    const t = createTandem({
      url: 'ws://127.0.0.1:9',
      storage: 'memory',
      crossTab: false,
      WebSocket: RefusingSocket as unknown as typeof WebSocket,
      transport: { backoff: { random: () => draws[n++ % draws.length]! } },
    })
    for (let k = 0; k < 12; k++) await vi.advanceTimersByTimeAsync(40_000)
    t.destroy()
    const gaps = RefusingSocket.attempts.slice(1).map((at, k) => at - RefusingSocket.attempts[k]!)
    expect(gaps.length).toBeGreaterThanOrEqual(10)
    for (const [k, gap] of gaps.slice(0, 10).entries()) {
      const ceiling = backoffCeiling(k + 1, { baseMs: 500, capMs: 30_000 })
      // Each gap is the drawn fraction of the ceiling, plus the timer tick the refusal takes.
      const delay = Math.floor(draws[k]! * ceiling)
      expect(gap - delay).toBeGreaterThanOrEqual(0)
      expect(gap - delay).toBeLessThanOrEqual(2)
      expect(delay).toBeLessThanOrEqual(30_000)
    }
    expect(Math.max(...gaps)).toBeGreaterThan(20_000)
  })

  it("retries at once on the browser's online event", async () => {
    vi.useFakeTimers()
    RefusingSocket.attempts = []
    const target = new EventTarget()
    const add = globalThis.addEventListener
    const remove = globalThis.removeEventListener
    globalThis.addEventListener = target.addEventListener.bind(target) as typeof add
    globalThis.removeEventListener = target.removeEventListener.bind(target) as typeof remove
    try {
      const t = createTandem({
        url: 'ws://127.0.0.1:9',
        storage: 'memory',
        crossTab: false,
        WebSocket: RefusingSocket as unknown as typeof WebSocket,
        transport: { backoff: { baseMs: 60_000, capMs: 60_000, random: () => 0.99 } },
      })
      await vi.advanceTimersByTimeAsync(10)
      const before = RefusingSocket.attempts.length
      target.dispatchEvent(new Event('online'))
      await vi.advanceTimersByTimeAsync(10)
      expect(RefusingSocket.attempts.length).toBe(before + 1)
      t.destroy()
    } finally {
      globalThis.addEventListener = add
      globalThis.removeEventListener = remove
    }
  })
})
