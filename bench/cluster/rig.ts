// The fan-out rig for one setup: rooms x clients, client i of the run connected to instance
// i mod n (so the clients of a room sit on different instances and their updates must cross
// Redis), each inserting EDIT_CHARS characters into its Y.Text at a fixed rate.
import * as Y from 'yjs'
import type { BenchClient, ClientOptions } from '../relay/client/BenchClient.ts'
import { closeAll, openAll, sleep } from '../relay/client/pool.ts'
import { coreBusy } from '../relay/cpuload.ts'
import { LatencyTracker, type WindowStats } from '../relay/latency.ts'
import { prng } from '../relay/prng.ts'
import { cpuSeconds } from '../relay/proc.ts'
import { drainWindow, startTyping } from '../relay/typingLoad.ts'
import { type BackingMeter, snapshot, usedBetween } from './backing.ts'
import { type Setup, usesPostgres, usesRedis } from './setups.ts'

export interface WindowResult {
  stats: WindowStats
  /** CPU seconds from window start to the end of the drain: all instances, Redis, PostgreSQL */
  serverCpuSec: number
  redisCpuSec: number
  pgCpuSec: number
  /** deliveries received in the same interval, and the interval in seconds */
  deliveries: number
  elapsedSec: number
  /** load generator CPU as a share of one core */
  generatorCpu: number
  achievedRate: number
  /** CPU of every other process on both cores, as a share of one core */
  noise: number
}

export class ClusterRig {
  private clients: BenchClient[] = []
  private readonly tracker: LatencyTracker
  private readonly rand = prng()

  constructor(
    readonly setup: Setup,
    private readonly meter: BackingMeter,
    private readonly rooms: number,
    private readonly perRoom: number,
  ) {
    this.tracker = new LatencyTracker(perRoom - 1)
  }

  async open(): Promise<void> {
    const { instances } = this.setup
    const options: ClientOptions[] = []
    for (let r = 0; r < this.rooms; r++) {
      for (let c = 0; c < this.perRoom; c++) {
        const doc = new Y.Doc()
        const docName = `fanout-${r}`
        const inst = instances[options.length % instances.length]!
        options.push({
          url: inst.url(docName),
          flavour: inst.spec.flavour,
          docName,
          doc,
          onUpdate: this.tracker.receiver(doc.clientID),
        })
      }
    }
    this.clients = await openAll(options, 50, 60_000)
    await sleep(300)
  }

  get pids(): number[] {
    return this.setup.instances.map((i) => i.run.pid)
  }

  private serverCpu(): number {
    return this.pids.reduce((s, p) => s + cpuSeconds(p), 0)
  }

  private async backingPids(): Promise<{ redis: number[]; pg: number[] }> {
    const { def, schema } = this.setup
    return {
      redis: usesRedis(def) ? this.meter.redisPids() : [],
      pg: usesPostgres(def) ? await this.meter.postgresPids(schema) : [],
    }
  }

  async run(rate: number, warmupMs: number, durationMs: number, drainMs: number): Promise<WindowResult> {
    const stopTyping = startTyping(this.clients, this.tracker, this.rand, rate)
    try {
      await sleep(warmupMs)
      const pids0 = await this.backingPids()
      this.tracker.openWindow()
      const t0 = performance.now()
      const cpu0 = this.serverCpu()
      const redis0 = snapshot(pids0.redis)
      const pg0 = snapshot(pids0.pg)
      const gen0 = process.cpuUsage()
      const cores0 = coreBusy()
      const del0 = this.tracker.deliveries
      await sleep(durationMs)
      this.tracker.closeWindow()
      const windowSec = (performance.now() - t0) / 1000
      stopTyping()
      await drainWindow(this.tracker, drainMs)
      const gen = process.cpuUsage(gen0)
      const cores1 = coreBusy()
      const serverCpuSec = this.serverCpu() - cpu0
      const redisCpuSec = usedBetween(redis0, snapshot(pids0.redis))
      const pids1 = await this.backingPids()
      const pgCpuSec = usedBetween(pg0, snapshot([...new Set([...pids0.pg, ...pids1.pg])]))
      const elapsedSec = (performance.now() - t0) / 1000
      const generatorCpuSec = (gen.user + gen.system) / 1e6
      const busy = cores1.reduce((s, v, i) => s + v - (cores0[i] ?? v), 0)
      const ours = serverCpuSec + redisCpuSec + pgCpuSec + generatorCpuSec
      const stats = this.tracker.stats()
      return {
        stats,
        serverCpuSec,
        redisCpuSec,
        pgCpuSec,
        deliveries: this.tracker.deliveries - del0,
        elapsedSec,
        generatorCpu: generatorCpuSec / elapsedSec,
        achievedRate: stats.sends / this.clients.length / windowSec,
        noise: Math.max(0, busy - ours) / elapsedSec,
      }
    } finally {
      stopTyping()
    }
  }

  async close(): Promise<void> {
    await closeAll(this.clients)
  }
}
