import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { assertServing, get, rawHttp } from './securityRig.ts'

// Without a secret the relay trusts whoever reaches it, and so does every web page the user
// opens: a page may POST a "simple" request (text/plain, a form) without a preflight, open a
// WebSocket anywhere, and, by DNS rebinding, reach 127.0.0.1 under its own host name.
let server: ServerProcess
let configured: ServerProcess
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('no-secret')
  server = await spawnServer({ dataDir: `${dir}/a` })
  configured = await spawnServer({
    dataDir: `${dir}/b`,
    extraArgs: ['--allowed-hosts', 'tandem.test', '--allowed-origins', 'https://app.example'],
  })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

function update(text: string): Buffer {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Buffer.from(Y.encodeStateAsUpdate(doc))
}

function post(path: string, body: Buffer | string, headers: Record<string, string>): Buffer {
  const head = Object.entries({ Host: '127.0.0.1', 'Content-Length': String(body.length), ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}Connection: close\r\n\r\n`), Buffer.from(body)])
}

async function docText(s: ServerProcess, name: string): Promise<string> {
  const res = await fetch(`${s.url.replace('ws:', 'http:')}/v1/docs/${name}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc.getText('t').toString()
}

function upgrade(s: ServerProcess, headers: Record<string, string>): Promise<'open' | number> {
  return withTimeout(
    'the upgrade to be answered',
    new Promise((resolve) => {
      const ws = new WebSocket(`${s.url}/victim`, { headers })
      ws.on('open', () => {
        ws.terminate()
        resolve('open')
      })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => {})
    }),
  )
}

describe('without a secret', () => {
  it('refuses writes a page could send without a preflight, and applies none of them', async () => {
    const simple = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']
    for (const type of simple) {
      const headers: Record<string, string> = type ? { 'Content-Type': type } : {}
      expect((await rawHttp(server.port, post('/v1/docs/victim', update(`via ${type}`), headers))).status).toBe(415)
      const records = JSON.stringify({ mutations: [] })
      expect((await rawHttp(server.port, post('/v1/records/tasks', records, headers))).status).toBe(415)
    }
    expect(await docText(server, 'victim')).toBe('')
    // what scripts and Tandem's own clients send still works
    const ok = await rawHttp(
      server.port,
      post('/v1/docs/victim', update('by a script'), { 'Content-Type': 'application/octet-stream' }),
    )
    expect(ok.status).toBe(200)
    expect(await docText(server, 'victim')).toBe('by a script')
    await assertServing(server)
  })

  it('refuses foreign Origins on the API and on WebSockets, accepts loopback ones', async () => {
    const evil = { 'Content-Type': 'application/octet-stream', Origin: 'https://evil.example' }
    expect((await rawHttp(server.port, post('/v1/docs/victim', update('evil'), evil))).status).toBe(403)
    expect((await rawHttp(server.port, get('/v1/docs/victim', { Origin: 'https://evil.example' }))).status).toBe(403)
    expect((await rawHttp(server.port, get('/v1/docs/victim', { Origin: 'null' }))).status).toBe(403)
    expect(await upgrade(server, { Origin: 'https://evil.example' })).toBe(403)
    expect(await upgrade(server, { Origin: 'http://localhost:5173' })).toBe('open')
    expect(await upgrade(server, { Origin: 'http://127.0.0.1:1234' })).toBe('open')
    expect(await upgrade(server, {})).toBe('open')
    expect(await docText(server, 'victim')).toBe('by a script')
    await assertServing(server)
  })

  it('refuses Host names that are not loopback (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:1234', '127.0.0.1.nip.io', '[::2]:80']) {
      expect((await rawHttp(server.port, get('/v1/docs/victim', { Host: host }))).status).toBe(403)
      expect((await rawHttp(server.port, get('/healthz', { Host: host }))).status).toBe(403)
      expect(await upgrade(server, { Host: host })).toBe(403)
    }
    for (const host of ['localhost:1234', '127.0.0.1', '[::1]:9']) {
      expect((await rawHttp(server.port, get('/healthz', { Host: host }))).status).toBe(200)
    }
    await assertServing(server)
  })

  it('accepts the Hosts and Origins an operator configured, besides loopback', async () => {
    expect((await rawHttp(configured.port, get('/healthz', { Host: 'tandem.test' }))).status).toBe(200)
    expect((await rawHttp(configured.port, get('/healthz', { Host: 'other.test' }))).status).toBe(403)
    expect(await upgrade(configured, { Origin: 'https://app.example' })).toBe('open')
    expect(await upgrade(configured, { Origin: 'https://evil.example' })).toBe(403)
    // an operator's list of origins means a socket must name one of them
    expect(await upgrade(configured, {})).toBe(403)
    expect(configured.alive()).toBe(true)
  })
})
