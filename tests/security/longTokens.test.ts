import {
  decodeTandemMessage,
  encodeTandemMessage,
  TandemMessageType as T,
  TANDEM_SUBPROTOCOL,
  type TandemMessage,
} from '@tandem/protocol'
import { signToken } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { assertServing, SECRET_TEXT } from './securityRig.ts'

// Node's timers hold at most 2^31-1 ms (24.8 days) and fire at once past it: a token valid
// for a month closed its socket as soon as it opened.
const SECRET = new TextEncoder().encode(SECRET_TEXT)
const DAY = 86_400_000
let server: ServerProcess
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('long-tokens')
  server = await spawnServer({ dataDir: dir, env: { TANDEM_SECRET: SECRET_TEXT } })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

const token = (ttlMs: number) =>
  signToken(SECRET, { sub: 'long', docs: ['*'], collections: ['*'], scope: 'write' }, ttlMs)

/** How the socket fares in its first 1.5 s: still open, or the code it was closed with. */
function fate(ws: WebSocket): Promise<number | 'open'> {
  return new Promise((resolve) => {
    ws.on('error', () => {})
    ws.once('close', (code) => resolve(code))
    setTimeout(() => resolve('open'), 1_500)
  })
}

describe('tokens valid for longer than a timer can wait', () => {
  it.each([25, 30, 400])('a stock socket with a %i-day token stays open', async (days) => {
    const ws = new WebSocket(`${server.url}/long-doc?token=${await token(days * DAY)}`)
    expect(await fate(ws)).toBe('open')
    ws.terminate()
  })

  it.each([25, 30, 400])('a Tandem socket with a %i-day token is welcomed and stays open', async (days) => {
    const ws = new WebSocket(`${server.url}/`, TANDEM_SUBPROTOCOL)
    const got: TandemMessage[] = []
    ws.on('message', (d: Buffer) => got.push(decodeTandemMessage(new Uint8Array(d))))
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const outcome = fate(ws)
    ws.send(encodeTandemMessage({ type: T.Hello, version: 1, token: await token(days * DAY) }))
    await waitUntil('Welcome', () => got.some((m) => m.type === T.Welcome))
    expect(await outcome).toBe('open')
    // no early "token expiring" either: that would make the client refresh in a loop
    expect(got.some((m) => m.type === T.TokenExpiring)).toBe(false)
    ws.terminate()
  })

  it('still closes a short-lived token on time', async () => {
    const ws = new WebSocket(`${server.url}/long-doc?token=${await token(1_000)}`)
    const closed = new Promise<number>((resolve) => ws.once('close', resolve))
    ws.on('error', () => {})
    await sleep(50)
    expect(await closed).toBe(4401)
    await assertServing(server, { token: await token(DAY) })
  })
})
