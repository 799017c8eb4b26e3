import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryReclaimer } from '../../../server/src/ops/MemoryReclaimer.ts'
import { Metrics } from '../../../server/src/ops/Metrics.ts'
import { waitUntil } from '../../helpers/wait.ts'

const MiB = 1024 * 1024
const HISTOGRAM = 'tandem_memory_reclaim_seconds'

/** A reclaimer over a pretend heap: `use` sets what is in use, `collect` frees down to `floor`. */
function rig(afterBytes: number, floor = 0) {
  const state = { inUse: floor, collections: 0 }
  const metrics = new Metrics()
  const reclaimer = new MemoryReclaimer({
    afterBytes,
    quietMs: 40,
    minIntervalMs: 150,
    metrics,
    inUse: () => state.inUse,
    collect: () => {
      state.collections++
      state.inUse = floor
    },
  })
  live.push(reclaimer)
  return { state, reclaimer, metrics }
}

const live: MemoryReclaimer[] = []
const sleep = async (ms: number) => {
  vi.advanceTimersByTime(ms)
}
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => {
  for (const r of live.splice(0)) r.close()
  vi.useRealTimers()
})

describe('MemoryReclaimer', () => {
  it('collects once after a burst that grew memory, when the relay went quiet', async () => {
    const { state, reclaimer, metrics } = rig(8 * MiB, 10 * MiB)
    state.inUse = 30 * MiB
    reclaimer.noteActivity()
    await sleep(20)
    expect(state.collections, 'collected before the quiet period').toBe(0)
    await sleep(80)
    expect(state.collections).toBe(1)
    expect(metrics.histogramCount(HISTOGRAM)).toBe(1)
    await sleep(200)
    expect(state.collections, 'collected again without new activity').toBe(1)
  })

  it('does nothing for small growth, without activity, or when turned off', async () => {
    const small = rig(8 * MiB)
    small.state.inUse = 4 * MiB
    small.reclaimer.noteActivity()
    const idle = rig(8 * MiB)
    idle.state.inUse = 100 * MiB
    const off = rig(0)
    off.state.inUse = 100 * MiB
    off.reclaimer.noteActivity()
    await sleep(150)
    expect([small.state.collections, idle.state.collections, off.state.collections]).toEqual([0, 0, 0])
  })

  it('waits while traffic keeps coming, and keeps collections apart', async () => {
    const { state, reclaimer } = rig(MiB)
    const until = performance.now() + 150
    while (performance.now() < until) {
      state.inUse += MiB
      reclaimer.noteActivity()
      await sleep(10)
    }
    expect(state.collections, 'collected during steady traffic').toBe(0)
    await sleep(80)
    expect(state.collections).toBe(1)
    // a second burst right away waits for the minimum interval
    state.inUse = 50 * MiB
    reclaimer.noteActivity()
    await sleep(70)
    expect(state.collections, 'collected again within the minimum interval').toBe(1)
    await sleep(200)
    expect(state.collections).toBe(2)
  })

  it('measures growth from where V8 collected on its own', async () => {
    const { state, reclaimer } = rig(8 * MiB, 20 * MiB)
    state.inUse = 5 * MiB // a collection of V8's freed more than ours would
    reclaimer.noteActivity()
    await sleep(80)
    state.inUse = 10 * MiB // +5 MiB since then: not worth a collection
    reclaimer.noteActivity()
    await sleep(80)
    expect(state.collections).toBe(0)
  })

  it("reaches V8's collector without --expose-gc and frees a burst's garbage", async () => {
    vi.useRealTimers()
    expect((globalThis as { gc?: unknown }).gc, 'this test means nothing with --expose-gc').toBeUndefined()
    const metrics = new Metrics()
    const reclaimer = new MemoryReclaimer({ afterBytes: MiB, quietMs: 20, minIntervalMs: 0, metrics })
    live.push(reclaimer)
    let garbage: number[][] | null = Array.from({ length: 2_000 }, (_, i) => Array.from({ length: 1_000 }, () => i))
    reclaimer.noteActivity()
    const held = process.memoryUsage().heapUsed
    garbage = null
    await waitUntil('a collection', () => metrics.histogramCount(HISTOGRAM) === 1, { timeoutMs: 5_000 })
    expect(garbage).toBeNull()
    expect(process.memoryUsage().heapUsed).toBeLessThan(held - 8 * MiB)
  })
})
