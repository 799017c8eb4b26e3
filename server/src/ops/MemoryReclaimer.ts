import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Metrics } from './Metrics.ts'

export interface MemoryReclaimerOptions {
  /** Growth of heap plus outside buffers since the last collection that makes one worth it; 0 turns it off. */
  afterBytes: number
  /** Collections wait until the relay has been quiet for this long... */
  quietMs: number
  /** ...and at least this long after the previous one. */
  minIntervalMs: number
  metrics?: Metrics
  /** For tests: what is in use now, and the collector. */
  inUse?: () => number
  collect?: () => void
}

/**
 * Gives memory back once a burst of traffic is over.
 *
 * V8 collects when its heap fills up, and for buffers outside its heap (every frame a socket
 * reads) only after 64 MiB of them piled up. A relay that just took a flood, or refused a few
 * large frames, and then goes quiet allocates nothing more, so nothing triggers a collection
 * and the garbage of the burst keeps the process tens of MiB larger until the next busy
 * spell. Activity arms a timer; once the relay has been quiet for `quietMs` and what is in
 * use grew by `afterBytes` since the last collection, one full collection returns it. Under
 * steady load the timer keeps moving and V8's own collections do the work.
 */
export class MemoryReclaimer {
  private lastActivity = 0
  private lastCollect = Number.NEGATIVE_INFINITY
  private baseline: number
  private timer: NodeJS.Timeout | null = null
  private readonly collect: (() => void) | null
  private readonly inUse: () => number

  constructor(private readonly options: MemoryReclaimerOptions) {
    this.collect = options.afterBytes > 0 ? (options.collect ?? v8Collector()) : null
    this.inUse = options.inUse ?? heapAndBuffers
    this.baseline = this.collect ? this.inUse() : 0
  }

  /** Called for every inbound frame and closed connection. */
  noteActivity(): void {
    if (!this.collect) return
    this.lastActivity = performance.now()
    if (!this.timer) this.arm(this.options.quietMs)
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.fire(), Math.max(1, ms))
    this.timer.unref()
  }

  private fire(): void {
    this.timer = null
    const now = performance.now()
    const wait = Math.max(
      this.lastActivity + this.options.quietMs - now,
      this.lastCollect + this.options.minIntervalMs - now,
    )
    if (wait > 0) return this.arm(wait)
    const inUse = this.inUse()
    // V8 collected on its own meanwhile: measure growth from there.
    this.baseline = Math.min(this.baseline, inUse)
    if (inUse - this.baseline < this.options.afterBytes) return
    this.collect?.()
    this.lastCollect = performance.now()
    this.baseline = this.inUse()
    this.options.metrics?.observe(
      'tandem_memory_reclaim_seconds',
      'Full collections run after a burst of traffic, and how long each took',
      (this.lastCollect - now) / 1000,
    )
  }
}

function heapAndBuffers(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}

/** V8's collector, reachable without starting node with --expose-gc. */
function v8Collector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') return exposed
  try {
    // The flag only applies to contexts created after it is set; the main one stays as it was.
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}
