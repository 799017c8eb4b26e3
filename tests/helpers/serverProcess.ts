import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { withTimeout } from './wait.ts'

/**
 * The relay as an operator runs it: the CLI in a child process. Crash tests need a process to
 * kill -9, and "the server is still alive" only means something for a real process.
 */

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
// overridable to run the same tests against another build (e.g. a deliberately broken copy)
const cli =
  process.env.TANDEM_TEST_SERVER_CLI ??
  fileURLToPath(new URL('../../server/bin/tandem-server-dev.mjs', import.meta.url))

export interface ServerOptions {
  dataDir: string
  port?: number
  maxFrameBytes?: number
  extraArgs?: string[]
  env?: Record<string, string>
}

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServerProcess {
  child: ChildProcess
  port: number
  url: string
  /** The tail of what the process wrote to stderr, for failure messages. */
  stderr(): string
  /** How many stderr lines so far contained `text` (the relay logs one JSON object per line). */
  logCount(text: string): number
  alive(): boolean
  exited: Promise<ExitInfo>
  /** A crash: SIGKILL, resolved once the process is gone. */
  kill9(): Promise<ExitInfo>
  /** A graceful stop: SIGTERM; resolves with how it exited and how long that took. */
  terminate(): Promise<ExitInfo & { ms: number }>
}

const live = new Set<ChildProcess>()

export async function spawnServer(options: ServerOptions): Promise<ServerProcess> {
  const args = [cli, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--data', options.dataDir]
  if (options.maxFrameBytes !== undefined) args.push('--max-frame-bytes', String(options.maxFrameBytes))
  args.push(...(options.extraArgs ?? []))
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  live.add(child)
  let stderr = ''
  let partialLine = ''
  // warnings and errors only, so a chatty server cannot grow the test's memory much
  const notable: string[] = []
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000)
    const lines = (partialLine + chunk).split('\n')
    partialLine = lines.pop() ?? ''
    for (const line of lines) if (!line.includes('"level":"info"') && notable.length < 100_000) notable.push(line)
  })
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    })
  })
  const url = await withTimeout(
    'tandem-server to print its listening line',
    new Promise<string>((resolve, reject) => {
      let stdout = ''
      child.stdout?.setEncoding('utf8')
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk
        const match = /tandem-server listening on (ws:\/\/\S+)/.exec(stdout)
        if (match?.[1]) resolve(match[1])
        if (stdout.length > 100_000) stdout = stdout.slice(-1000)
      })
      void exited.then((info) =>
        reject(new Error(`tandem-server exited before listening (${JSON.stringify(info)}): ${stderr}`)),
      )
    }),
    20_000,
  ).catch((err: unknown) => {
    child.kill('SIGKILL')
    throw err
  })
  const port = Number(new URL(url).port)
  const alive = () => child.exitCode === null && child.signalCode === null
  return {
    child,
    port,
    url,
    stderr: () => stderr,
    logCount: (text) => notable.filter((line) => line.includes(text)).length,
    alive,
    exited,
    async kill9() {
      if (alive()) child.kill('SIGKILL')
      return withTimeout('killed server to exit', exited, 5_000)
    },
    async terminate() {
      const start = Date.now()
      child.kill('SIGTERM')
      // 10 s, not 5: the test asserts on `ms`, so a slow exit is reported as such, not as a timeout
      const info = await withTimeout('server to exit after SIGTERM', exited, 10_000).catch(async (err: unknown) => {
        child.kill('SIGKILL')
        throw err
      })
      return { ...info, ms: Date.now() - start }
    },
  }
}

/** Safety net for afterAll: no child outlives the test file, whatever failed. */
export function killAllServers(): void {
  for (const child of live) child.kill('SIGKILL')
}

/** Resident memory of a process in bytes (Linux), to see that no input makes it grow unbounded. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]
  return kb === undefined ? 0 : Number(kb) * 1024
}

export async function healthz(baseWsUrl: string): Promise<number> {
  const res = await fetch(baseWsUrl.replace(/^ws:/, 'http:') + '/healthz', { signal: AbortSignal.timeout(5_000) })
  await res.arrayBuffer()
  return res.status
}

/** The series of a relay's /metrics, by name with labels (a token if /metrics asks for one). */
export async function metricsOf(server: ServerProcess, token?: string): Promise<Map<string, number>> {
  const res = await fetch(`${server.url.replace(/^ws:/, 'http:')}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(5_000),
  })
  const values = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue
    const space = line.lastIndexOf(' ')
    values.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return values
}

/** tandem_uncaught_total of a relay: errors that slipped past every handler to the process. */
export async function uncaughtCount(server: ServerProcess, token?: string): Promise<number> {
  // a relay without the counter has no safety net: count that as a failure, not as zero
  return (await metricsOf(server, token)).get('tandem_uncaught_total') ?? Number.NaN
}
