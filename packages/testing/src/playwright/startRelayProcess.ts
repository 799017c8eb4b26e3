import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface RelayProcessOptions {
  /** Path of the relay's CLI script; default the `tandem-server` bin of the installed `@tandem/server`. */
  bin?: string
  /** Data directory; default a fresh temporary one, removed by `close()`. */
  dataDir?: string
  /** Further command-line flags for `tandem-server`. */
  args?: string[]
  /** Extra environment for the relay process. */
  env?: Record<string, string>
  /** How long to wait for the listening line; default 20 000 ms. */
  startTimeoutMs?: number
}

export interface RelayExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A real `tandem-server` child process on 127.0.0.1, for crash, restart and freeze tests. */
export interface RelayProcess {
  /** ws://127.0.0.1:<port>, stable across `kill()` and `restart()`. */
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** kill -9: no flush, no goodbye; resolves once the process is gone. */
  kill(): Promise<void>
  /**
   * SIGTERM, the way an operator stops it: the relay closes its sockets and flushes. Resolves
   * with how it exited (`code` 0 for a clean shutdown) once the process is gone.
   */
  stop(): Promise<RelayExit>
  /** Starts the relay again (killing it first if alive) on the same port and data directory. */
  restart(): Promise<void>
  /** SIGSTOP: sockets stay open but nothing is answered, the shape of a hung server. */
  freeze(): void
  /** SIGCONT after `freeze()`. */
  thaw(): void
  /** Kills the relay and removes a data directory this handle created. */
  close(): Promise<void>
}

function defaultBin(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@tandem/server/package.json')), 'bin', 'tandem-server.mjs')
}

/** Starts `tandem-server` on a free loopback port (or `port`) and waits until it listens. */
function spawnRelay(bin: string, port: number, options: RelayProcessOptions & { dataDir: string }) {
  const args = [bin, '--host', '127.0.0.1', '--port', String(port), '--data', options.dataDir, ...(options.args ?? [])]
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  const timeoutMs = options.startTimeoutMs ?? 20_000
  return new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`tandem-server did not listen within ${timeoutMs} ms: ${err.slice(-2000)}`))
    }, timeoutMs)
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      err = (err + chunk).slice(-4000)
    })
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      out = (out + chunk).slice(-4000)
      const match = /tandem-server listening on (ws:\/\/\S+)/.exec(out)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ child, url: match[1] })
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`tandem-server exited before listening (${code ?? signal}): ${err.slice(-2000)}`))
    })
  })
}

function exitOf(child: ChildProcess): Promise<RelayExit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}

export async function startRelayProcess(options: RelayProcessOptions = {}): Promise<RelayProcess> {
  const bin = options.bin ?? defaultBin()
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tandem-relay-')))
  let current = await spawnRelay(bin, 0, { ...options, dataDir })
  const port = Number(new URL(current.url).port)
  const kill = async () => {
    const { child } = current
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await exitOf(child)
  }
  return {
    url: current.url,
    port,
    dataDir,
    kill,
    async stop() {
      const { child } = current
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      return exitOf(child)
    },
    async restart() {
      await kill()
      current = await spawnRelay(bin, port, { ...options, dataDir })
    },
    freeze: () => void current.child.kill('SIGSTOP'),
    thaw: () => void current.child.kill('SIGCONT'),
    async close() {
      await kill()
      if (ownDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
