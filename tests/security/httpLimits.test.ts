import { statSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killAllServers, metricsOf, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'
import { assertServing, get, rawHttp } from './securityRig.ts'

// Plain HTTP sockets are a resource too: a peer that opens thousands and sends headers one
// byte a minute (slowloris) held them for Node's 60 s default, uncounted.
const METRICS_TOKEN = 'metrics-token-0123456789'
const PER_IP = 12
let server: ServerProcess
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('http-limits')
  const tokenFile = join(dir, 'metrics-token')
  writeFileSync(tokenFile, `${METRICS_TOKEN}\n`)
  server = await spawnServer({
    dataDir: join(dir, 'data'),
    extraArgs: ['--headers-timeout-ms', '1000', '--metrics-token-file', tokenFile],
  })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return withTimeout(
    'a TCP connection',
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      const closed = new Promise<void>((done) => socket.once('close', () => done()))
      socket.on('error', () => {})
      // flowing, so the server's answer and hang-up are read and seen
      socket.resume()
      socket.once('connect', () => resolve({ socket, closed }))
      socket.once('error', reject)
    }),
  )
}

describe('HTTP limits', () => {
  it('closes a socket that sends its headers too slowly', async () => {
    const { socket, closed } = await openSocket(server.port)
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 200)
    try {
      // Node's default would hold it for 60 s; the relay's limit here is 1 s (checked each second)
      await withTimeout('the relay to close the slow socket', closed, 8_000)
    } finally {
      clearInterval(drip)
      socket.destroy()
    }
    await assertServing(server, { metricsToken: METRICS_TOKEN })
  })

  it('counts plain HTTP sockets per IP and refuses those over the limit', async () => {
    // a relay of its own: nothing else of this process may hold a socket to it (fetch keeps some)
    const limited = await spawnServer({
      dataDir: join(dir, 'limited'),
      extraArgs: ['--max-connections-per-ip', String(PER_IP), '--headers-timeout-ms', '1000'],
    })
    // the relay accepts them in its own order: whichever comes last is the one over the limit
    const held = await Promise.all(Array.from({ length: PER_IP + 1 }, () => openSocket(limited.port)))
    let dropped = 0
    for (const { closed } of held) void closed.then(() => dropped++)
    // the others are only closed by the 1 s headers timeout, so a drop within it is the limit's
    await waitUntil('the relay to drop the socket over the limit', () => dropped >= 1, { timeoutMs: 900 })
    expect(dropped, 'only the socket over the limit was dropped').toBe(1)
    for (const { socket } of held) socket.destroy()
    await waitUntil(
      'the held sockets to be released',
      async () => (await rawHttp(limited.port, get('/healthz'))).status === 200,
    )
    // at least the one over the limit (a probe above may also have met sockets not yet released)
    expect((await metricsOf(limited)).get('tandem_rejected_sockets_total')).toBeGreaterThanOrEqual(1)
    await assertServing(limited)
  })

  it('creates its data files readable by their owner only', () => {
    const file = join(dir, 'data', 'tandem.sqlite')
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    for (const suffix of ['-wal', '-shm']) {
      const mode = statSync(file + suffix, { throwIfNoEntry: false })?.mode
      if (mode !== undefined) expect((mode & 0o777).toString(8)).toBe('600')
    }
    expect((statSync(join(dir, 'data')).mode & 0o777).toString(8)).toBe('700')
  })

  it('asks for the metrics token when one is configured', async () => {
    expect((await rawHttp(server.port, get('/metrics'))).status).toBe(401)
    expect(
      (await rawHttp(server.port, get('/metrics', { Authorization: 'Bearer wrong-token-0123456789' }))).status,
    ).toBe(401)
    const ok = await rawHttp(server.port, get('/metrics', { Authorization: `Bearer ${METRICS_TOKEN}` }))
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('tandem_uncaught_total 0')
  })
})
