// The fan-out rig: rooms x clients connected to one server, each client inserting
// EDIT_CHARS characters into its own Y.Text at a fixed rate (seeded phases and positions).
import * as Y from 'yjs'
import type { BenchClient } from '../client/BenchClient.ts'
import { closeAll, openAll, sleep } from '../client/pool.ts'
import { busyBetween, coreBusy } from '../cpuload.ts'
import { LatencyTracker, type WindowStats } from '../latency.ts'
import { prng } from '../prng.ts'
import { cpuSeconds } from '../proc.ts'
import { GENERATOR_CORE, type Instance, SERVER_CORE } from '../servers/index.ts'
import { drainWindow, startTyping } from '../typingLoad.ts'

export interface WindowResult {
  stats: WindowStats
  /** server CPU seconds from window start to the end of the drain */
  serverCpuSec: number
  /** deliveries received in the same interval */
  deliveries: number
  /** load generator CPU as a share of one core over the interval */
  generatorCpu: number
  /** achieved sends per client per second within the window */
  achievedRate: number
  /** CPU other processes used on the server's / the generator's core, as a share of that core */
  foreignServerCore: number
  foreignGeneratorCore: number
}

export class FanoutRig {
  private clients: BenchClient[] = []
  private readonly tracker: LatencyTracker
  private readonly rand = prng()

  constructor(
    private readonly inst: Instance,
    private readonly rooms: number,
    private readonly perRoom: number,
  ) {
    this.tracker = new LatencyTracker(perRoom - 1)
  }

  async open(): Promise<void> {
    const { spec } = this.inst
    const options = []
    for (let r = 0; r < this.rooms; r++) {
      for (let c = 0; c < this.perRoom; c++) {
        const doc = new Y.Doc()
        const docName = `fanout-${r}`
        options.push({
          url: this.inst.url(docName),
          flavour: spec.flavour,
          docName,
          doc,
          readyOnOpen: !spec.persists,
          onUpdate: this.tracker.receiver(doc.clientID),
        })
      }
    }
    this.clients = await openAll(options, 50, 60_000)
    await sleep(300)
  }

  async run(rate: number, warmupMs: number, durationMs: number, drainMs: number): Promise<WindowResult> {
    const stopTyping = startTyping(this.clients, this.tracker, this.rand, rate)
    try {
      await sleep(warmupMs)
      const pid = this.inst.run.pid
      this.tracker.openWindow()
      const t0 = performance.now()
      const cpu0 = cpuSeconds(pid)
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
      const serverCpuSec = cpuSeconds(pid) - cpu0
      const elapsed = (performance.now() - t0) / 1000
      const generatorCpuSec = (gen.user + gen.system) / 1e6
      const stats = this.tracker.stats()
      return {
        stats,
        serverCpuSec,
        deliveries: this.tracker.deliveries - del0,
        generatorCpu: generatorCpuSec / elapsed,
        achievedRate: stats.sends / this.clients.length / windowSec,
        foreignServerCore: Math.max(0, busyBetween(cores0, cores1, SERVER_CORE) - serverCpuSec) / elapsed,
        foreignGeneratorCore: Math.max(0, busyBetween(cores0, cores1, GENERATOR_CORE) - generatorCpuSec) / elapsed,
      }
    } finally {
      stopTyping()
    }
  }

  async close(): Promise<void> {
    await closeAll(this.clients)
  }
}
