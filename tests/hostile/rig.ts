import { expect } from 'vitest'
import { connectClient, docFingerprint, syncedClient } from '../helpers/client.ts'
import { prepareVictim, type Victim, victimShape } from '../helpers/hostile.ts'
import {
  healthz,
  killAllServers,
  rssBytes,
  type ServerProcess,
  spawnServer,
  uncaughtCount,
} from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil, withTimeout } from '../helpers/wait.ts'

/**
 * One relay CLI process per test file, and the checks every hostile test makes after its
 * attack: the process is alive and healthy, another document syncs between two fresh stock
 * clients in under 2 s, the attacked document holds exactly what a legitimate client wrote
 * before, and resident memory grew by less than 32 MiB once the attackers are gone.
 */

export const MiB = 1024 * 1024
export const RSS_BUDGET = 32 * MiB
export const SYNC_BUDGET_MS = 2_000
/** How long memory may take to come back after an attack (GC, freed socket buffers). */
const SETTLE_MS = 8_000
/**
 * Quiet before the baseline is read: the relay's reclaimer collects a burst's garbage after
 * 1 s without traffic, at most once per 5 s, so the warm-up's garbage is gone by then and
 * does not flatter the growth figure.
 */
const BASELINE_QUIET_MS = 6_500
/** After an attack, long enough for the reclaimer's 1 s of quiet and its collection. */
const RECLAIM_WAIT_MS = 2_000

export interface HostileRig {
  server: ServerProcess
  url: string
  pid: number
  /** A document with known content and a watcher in its room, written by a legitimate client. */
  victim(name: string): Promise<Victim>
  /** Runs everyday traffic and `warmUp` (a small dose of the attack), lets the process settle, returns its RSS. */
  baseline(warmUp: () => Promise<void>): Promise<number>
  /** Samples RSS until stopped; returns the highest value seen. */
  sampleRss(): () => Promise<number>
  /** The checks after an attack; logs one line of numbers. */
  afterAttack(label: string, victim: Victim, rssBefore: number, peak?: number): Promise<void>
  close(): Promise<void>
}

let probes = 0

/** Connect two fresh stock clients to a new document; ms until the second sees the first's edit. */
export async function syncLatencyMs(url: string): Promise<number> {
  const name = `probe-${process.pid}-${++probes}`
  const start = performance.now()
  const a = connectClient(url, name)
  const b = connectClient(url, name)
  try {
    await withTimeout('a probe client to sync', a.synced, 10_000)
    a.doc.getText('t').insert(0, name)
    await waitUntil('the other probe client sees the edit', () => b.doc.getText('t').toString() === name, {
      timeoutMs: 10_000,
      intervalMs: 2,
    })
    return Math.round(performance.now() - start)
  } finally {
    a.destroy()
    b.destroy()
  }
}

/**
 * Ordinary editing on a document of its own: a relay in service has sized its heap to real
 * traffic (V8 grows its young generation once, under load), so growth is measured from there
 * and counts what the attack added, not what any first busy minute would.
 */
async function everydayTraffic(url: string): Promise<void> {
  const name = `everyday-${process.pid}-${++probes}`
  const a = await syncedClient(url, name)
  const b = await syncedClient(url, name)
  try {
    const text = a.doc.getText('t')
    for (let i = 0; i < EVERYDAY_EDITS; i++) {
      text.insert(text.length, `${i % 10}`)
      if (i % 200 === 199) await sleep(1)
    }
    await waitUntil('the everyday edits to arrive', () => b.doc.getText('t').length === EVERYDAY_EDITS, {
      timeoutMs: 20_000,
    })
  } finally {
    a.destroy()
    b.destroy()
  }
}

const EVERYDAY_EDITS = 5_000

/** The relay as docs/deployment.md tells operators to run it, and as `npm start` does. */
const OPERATOR_MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '65536' }

export async function startRig(label: string, extraArgs: string[] = []): Promise<HostileRig> {
  const dir = await makeTempDir(`hostile-${label}`)
  const server = await spawnServer({ dataDir: dir, extraArgs, env: OPERATOR_MALLOC_ENV })
  const pid = server.child.pid ?? 0
  const watchers: Victim[] = []
  const rss = () => rssBytes(pid)
  return {
    server,
    url: server.url,
    pid,
    async victim(name) {
      const v = await prepareVictim(server, name)
      watchers.push(v)
      return v
    },
    async baseline(warmUp) {
      await everydayTraffic(server.url)
      await warmUp()
      await syncLatencyMs(server.url)
      await sleep(BASELINE_QUIET_MS)
      return rss()
    },
    sampleRss() {
      let peak = 0
      let stop = false
      const loop = (async () => {
        while (!stop) {
          peak = Math.max(peak, await rss().catch(() => 0))
          await sleep(50)
        }
      })()
      return async () => {
        stop = true
        await loop
        return peak
      }
    },
    async afterAttack(attack, victim, rssBefore, peak) {
      // every number is measured and logged before any check fails, so one run reports them all
      expect(server.alive(), `the relay died: ${server.stderr()}`).toBe(true)
      const health = await healthz(server.url)
      const syncMs = await syncLatencyMs(server.url)
      const fresh = await syncedClient(server.url, victim.name)
      const seen = docFingerprint(fresh.doc, victimShape)
      fresh.destroy()

      // memory: let the process return what the attack used: the reclaimer collects after
      // 1 s of quiet; then wait for more only while over budget, up to SETTLE_MS
      const settleStart = Date.now()
      await sleep(RECLAIM_WAIT_MS)
      let growth = (await rss()) - rssBefore
      while (growth >= RSS_BUDGET && Date.now() - settleStart < SETTLE_MS) {
        await sleep(250)
        growth = (await rss()) - rssBefore
      }
      const mib = (n: number) => (n / MiB).toFixed(1)
      console.log(
        `[hostile] ${attack}: sync ${syncMs} ms, RSS ${mib(rssBefore)} MiB before, growth ${mib(growth)} MiB` +
          (peak === undefined ? '' : ` (peak during attack +${mib(peak - rssBefore)} MiB)`) +
          ` after ${Date.now() - settleStart} ms of settling; watcher closes ${victim.watcherCloses()}`,
      )
      expect.soft(health, '/healthz').toBe(200)
      expect.soft(server.logCount('unexpected error'), 'the relay logged an unexpected error').toBe(0)
      expect.soft(await uncaughtCount(server), 'errors reached the process safety net').toBe(0)
      expect.soft(seen, 'the attacked document changed').toBe(victim.expected)
      expect.soft(syncMs, 'another document synced too slowly').toBeLessThan(SYNC_BUDGET_MS)
      expect.soft(growth, `RSS grew by ${mib(growth)} MiB`).toBeLessThan(RSS_BUDGET)
      expect.soft(victim.watcherCloses(), 'the watcher in the attacked room was disconnected').toBe(0)
    },
    async close() {
      for (const v of watchers) v.watcher.destroy()
      if (server.alive()) await server.terminate().catch(() => killAllServers())
      await removeDir(dir)
    },
  }
}
