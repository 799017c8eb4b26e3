// Child-process control for the bench: start a server pinned to one core in its own process
// group, wait for its ready line, read its CPU time and memory from /proc, and stop it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const live = new Set<ChildProcess>()
export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

/** Pins this process (all its threads) to `core`; returns false when taskset is missing. */
export function pinSelf(core: number): boolean {
  if (!hasTaskset) return false
  execFileSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' })
  return true
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface Running {
  child: ChildProcess
  pid: number
  output: () => string
}

/** Spawns `node args` on `core` in a new process group; resolves once `ready` matches its output. */
export async function startPinned(
  args: string[],
  opts: { env?: Record<string, string>; ready: RegExp; core: number; cwd: string; timeoutMs?: number },
): Promise<Running> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", goes to every server's node.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const full = [...nodeArgs, ...args]
  const cmd = hasTaskset ? 'taskset' : process.execPath
  const argv = hasTaskset ? ['-c', String(opts.core), process.execPath, ...full] : full
  const child = spawn(cmd, argv, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let log = ''
  const onData = (b: Buffer) => {
    if (log.length < 20_000) log += b.toString()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const timeoutMs = opts.timeoutMs ?? 20_000
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs)
    const check = setInterval(() => opts.ready.test(log) && done(), 20)
    const onExit = (code: number | null) => fail(new Error(`exited early (code ${code})`))
    child.once('exit', onExit)
    function done() {
      clearTimeout(timer)
      clearInterval(check)
      child.off('exit', onExit)
      resolve()
    }
    function fail(err: Error) {
      clearTimeout(timer)
      clearInterval(check)
      killGroup(child, 'SIGKILL')
      reject(new Error(`${args.join(' ')}: ${err.message}\n${log.slice(-2000)}`))
    }
  })
  return { child, pid: child.pid!, output: () => log }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

/** SIGTERM the group, wait up to `graceMs` for exit, then SIGKILL. */
export async function stop(run: Running, graceMs = 10_000): Promise<void> {
  const { child } = run
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Kills every child still running; safe to call from exit handlers. */
export function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL')
}

function tree(pid: number): number[] {
  const out = [pid]
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
      for (const k of kids ? kids.split(/\s+/) : []) out.push(...tree(Number(k)))
    }
  } catch {
    // process gone
  }
  return out
}

/** User+system CPU seconds of the process and its descendants (all threads). */
export function cpuSeconds(pid: number): number {
  let ticks = 0
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // process gone
    }
  }
  return ticks / clockTicks
}

/** A /proc/<pid>/status field in bytes (VmRSS, VmHWM), summed over the process tree. */
export function memBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0
  for (const p of tree(pid)) {
    try {
      const m = readFileSync(`/proc/${p}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))
      kb += m ? Number(m[1]) : 0
    } catch {
      // process gone
    }
  }
  return kb * 1024
}
