import { connect } from 'node:net'
import { encodeTandemMessage, TandemMessageType as T, TANDEM_SUBPROTOCOL, type TandemMessage } from '@tandem/protocol'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { assertServing } from './securityRig.ts'

// A property fuzz of everything a stranger can reach: raw HTTP requests (methods, paths with
// escapes and raw bytes, the headers the relay reads, bodies that lie about their length) and
// socket refusals (any name, any token, any first frames). It runs a fixed budget in CI and
// prints its seed (tests/helpers/seedSetup.ts); FUZZ_SEED=<seed> replays a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300)

let server: ServerProcess
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('surface-fuzz')
  const files = await makeTempDir('surface-static')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(`${files}/index.html`, '<!doctype html>')
  server = await spawnServer({
    dataDir: dir,
    extraArgs: ['--static', files, '--dev', '--headers-timeout-ms', '1000', '--request-timeout-ms', '2000'],
    env: { TANDEM_ADMIN_TOKEN: 'admin-token-0123456789abcdef' },
  })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

/** With --dev and no secret, tokens come from /dev/token. */
async function devToken(): Promise<string> {
  const res = await fetch(`${server.url.replace('ws:', 'http:')}/dev/token?sub=fuzz`)
  return ((await res.json()) as { token: string }).token
}

/** Writes the bytes, half-closes, and resolves once the server answered or hung up (bounded). */
function send(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1')
    const chunks: Buffer[] = []
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1').slice(0, 12))
    }
    const timer = setTimeout(done, 4_000)
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', done)
    socket.on('close', done)
    socket.end(bytes)
  })
}

const pathPart = fc.oneof(
  fc.constantFrom('/', '/v1/docs/', '/v1/records/', '/admin/docs/', '/dev/token', '/metrics', '/readyz', '/healthz'),
  fc.constantFrom('%00', '%', '%zz', '%E0%A4%A', '%2e%2e/', '..', '//', '?', '#', '%C3%A9', '\u00e9', '\u0000', ' '),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
)
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('application/json', 'application/octet-stream', 'text/plain', 'http://localhost:3000', 'null'),
  fc.string({ unit: 'binary', maxLength: 20 }),
)
const headerName = fc.constantFrom(
  'Host',
  'Origin',
  'Content-Type',
  'Authorization',
  'Content-Length',
  'Transfer-Encoding',
  'Upgrade',
  'Connection',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Version',
  'Sec-WebSocket-Protocol',
  'Expect',
  'X-Anything',
)
const request = fc.record({
  method: fc.oneof(
    fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    fc.string({ maxLength: 8 }),
  ),
  path: fc.array(pathPart, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.json().map((j) => new TextEncoder().encode(j)),
    fc.constant(new TextEncoder().encode('{"mutations":[{"id":"x","op":"set"}]}')),
  ),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', ''),
})

describe('the relay surface under a property fuzz', () => {
  it('answers or hangs up on every HTTP request, and keeps serving', async () => {
    let answered = 0
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const head = `${r.method} ${r.path} ${r.version}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
        const reply = await send(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(r.body)]))
        if (reply.startsWith('HTTP/1.1')) answered++
        expect(server.alive(), server.stderr()).toBe(true)
      }),
      { numRuns: RUNS },
    )
    console.log(`surface fuzz: ${answered} of ${RUNS} requests got an HTTP answer, the rest a hang-up`)
    await assertServing(server, { token: await devToken() })
  })

  it('closes any refused socket cleanly, whatever its name, token and first frames', async () => {
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .record({ channel: fc.nat(10), doc: fc.string({ unit: 'grapheme', maxLength: 80 }) })
        .map(({ channel, doc }) => encodeTandemMessage({ type: T.Subscribe, channel, doc } as TandemMessage)),
      fc
        .string({ unit: 'grapheme', maxLength: 200 })
        .map((token) => encodeTandemMessage({ type: T.Hello, version: 1, token } as TandemMessage)),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.string({ unit: 'grapheme', maxLength: 100 }),
        fc.array(frame, { maxLength: 5 }),
        async (tandem, name, frames) => {
          const ws = tandem
            ? new WebSocket(`${server.url}/`, TANDEM_SUBPROTOCOL)
            : new WebSocket(`${server.url}/${encodeURIComponent(name)}`)
          await withTimeout(
            'the socket to open, fail or close',
            new Promise<void>((resolve) => {
              ws.on('error', () => resolve())
              ws.on('close', (_code, reason) => {
                expect(reason.length).toBeLessThanOrEqual(123)
                resolve()
              })
              ws.on('open', () => {
                for (const f of frames) ws.send(f)
                setTimeout(resolve, 20)
              })
            }),
            5_000,
          )
          ws.terminate()
        },
      ),
      { numRuns: Math.round(RUNS / 2) },
    )
    await assertServing(server, { token: await devToken() })
  })
})
