// CPU of the shared backing services (Redis, PostgreSQL) read from /proc. They are system
// services, not started (nor pinned) by the bench: they run on whichever core is free.
// Redis counts whole (one process, all threads): whatever else uses it on this machine is
// included. PostgreSQL counts the postmaster, its auxiliary processes (WAL writer,
// checkpointer, background writer, autovacuum) and only the client backends whose
// application_name is one of this run's, read from pg_stat_activity.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import pg from 'pg'

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split(/\s+/).map(Number).filter(Boolean)
  } catch {
    return []
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * User+system CPU seconds of this one process (all its threads), without its children: the
 * postmaster's children include every backend of the machine, and proc.ts' cpuSeconds() walks
 * the whole tree. NaN when the process is gone.
 */
export function ownCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return Number.NaN
  }
}

/** CPU seconds per pid, read now. */
export type CpuSnapshot = Map<number, number>

export function snapshot(pids: number[]): CpuSnapshot {
  return new Map(pids.map((p) => [p, ownCpuSeconds(p)]))
}

/** CPU used between two snapshots; a pid born in between counts from its start, one that died is lost. */
export function usedBetween(a: CpuSnapshot, b: CpuSnapshot): number {
  let s = 0
  for (const [pid, cpu] of b) if (!Number.isNaN(cpu)) s += Math.max(0, cpu - (a.get(pid) || 0))
  return s
}

export class BackingMeter {
  /** undefined when the process could not be found or read */
  readonly redisPid: number | undefined
  readonly postmasterPid: number | undefined

  private constructor(
    private readonly client: pg.Client | undefined,
    redisPort: string,
  ) {
    const redis = pgrep('redis-server').filter((p) => cmdline(p).startsWith('redis-server'))
    this.redisPid = redis.find((p) => cmdline(p).includes(`:${redisPort}`)) ?? redis[0]
    this.postmasterPid = pgrep('postgres').find((p) => / -D /.test(cmdline(p)))
    if (this.redisPid !== undefined && !readable(this.redisPid)) this.redisPid = undefined
    if (this.postmasterPid !== undefined && !readable(this.postmasterPid)) this.postmasterPid = undefined
  }

  static async open(pgUrl: string, redisUrl: string): Promise<BackingMeter> {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3_000 })
    let ok: pg.Client | undefined = client
    try {
      await client.connect()
    } catch {
      ok = undefined
    }
    return new BackingMeter(ok, new URL(redisUrl).port || '6379')
  }

  redisPids(): number[] {
    return this.redisPid === undefined ? [] : [this.redisPid]
  }

  /** The postmaster, its auxiliary processes and the backends opened with `appName`. */
  async postgresPids(appName: string): Promise<number[]> {
    if (!this.client || this.postmasterPid === undefined) return []
    const res = await this.client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE (backend_type = 'client backend' AND application_name = $1)
           OR (backend_type <> 'client backend' AND backend_type IS NOT NULL)`,
      [appName],
    )
    return [this.postmasterPid, ...res.rows.map((r) => Number(r.pid))]
  }

  get postgresReadable(): boolean {
    return this.client !== undefined && this.postmasterPid !== undefined
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {})
  }
}

function readable(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`, 'utf8')
    return true
  } catch {
    return false
  }
}
