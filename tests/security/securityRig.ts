import { connect } from 'node:net'
import { expect } from 'vitest'
import { syncedClient } from '../helpers/client.ts'
import { healthz, type ServerProcess, uncaughtCount } from '../helpers/serverProcess.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * Probes of the relay as an attacker sends them: raw bytes on a TCP socket (no client
 * library to tidy the request up), and after each probe the proof that one request cost at
 * most its own answer: the process is alive, healthy, counts no uncaught error, and two fresh
 * clients still sync.
 */

export const SECRET_TEXT = 'security-suite-secret-0123456789abcdef'

export interface RawAnswer {
  /** HTTP status, or 0 when the server closed the socket without an answer. */
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends `request` as is and reads until the server closes or `timeoutMs` passes. */
export function rawHttp(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(parseAnswer(Buffer.concat(chunks).toString('latin1')))
    }
    const timer = setTimeout(done, timeoutMs)
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', done)
    socket.on('close', done)
    socket.write(request)
  })
}

function parseAnswer(text: string): RawAnswer {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text)
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: match ? Number(match[1]) : 0, headers, body: rest.join('\r\n\r\n') }
}

/** A GET as curl sends it, with `path` exactly as given (no normalising, no escaping). */
export const get = (path: string, headers: Record<string, string> = {}) =>
  `GET ${path} HTTP/1.1\r\nHost: ${headers.Host ?? '127.0.0.1'}\r\n${Object.entries(headers)
    .filter(([k]) => k !== 'Host')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Connection: close\r\n\r\n`

let probes = 0

/** Two fresh stock clients of a new document: the second sees the first's edit. */
export async function twoClientsSync(server: ServerProcess, token?: string): Promise<void> {
  const name = `team/probe-${++probes}`
  const params = token ? { token } : undefined
  const a = await syncedClient(server.url, name, { params })
  const b = await syncedClient(server.url, name, { params })
  try {
    a.doc.getText('t').insert(0, name)
    await waitUntil('the other client sees the edit', () => b.doc.getText('t').toString() === name)
  } finally {
    a.destroy()
    b.destroy()
  }
}

/** After a probe: alive, healthy, nothing uncaught, and another document still syncs. */
export async function assertServing(
  server: ServerProcess,
  o: { token?: string; metricsToken?: string } = {},
): Promise<void> {
  expect(server.alive(), `the relay died: ${server.stderr()}`).toBe(true)
  expect(await healthz(server.url)).toBe(200)
  expect(await uncaughtCount(server, o.metricsToken), 'uncaught errors').toBe(0)
  expect(server.logCount('uncaught'), server.stderr()).toBe(0)
  await twoClientsSync(server, o.token)
}
