import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { waitUntil } from './wait.ts'

/**
 * A Redis of the test's own on a free loopback port, so a test can stop and restart it
 * without touching the machine's shared Redis.
 */
export interface RedisProcess {
  port: number
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const ping = async () => {
    const { Redis } = await import('ioredis')
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 500 })
    r.on('error', () => {})
    try {
      await r.connect()
      return (await r.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      r.disconnect()
    }
  }
  const handle: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      )
      await waitUntil('redis-server to answer', ping, { timeoutMs: 10_000, intervalMs: 50 })
    },
    async stop() {
      const c = child
      child = null
      if (!c || c.exitCode !== null) return
      const exited = new Promise((resolve) => c.once('exit', resolve))
      c.kill('SIGKILL')
      await exited
    },
  }
  await handle.start()
  return handle
}
