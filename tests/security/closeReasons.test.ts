import { encodeTandemMessage, TandemMessageType as T, TANDEM_SUBPROTOCOL } from '@tandem/protocol'
import { signToken } from '@tandem/server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { withTimeout } from '../helpers/wait.ts'
import { assertServing, SECRET_TEXT } from './securityRig.ts'

// Refusals travel in close frames, whose reason RFC 6455 caps at 123 bytes; `ws` throws on a
// longer one. A refusal that quoted the client's document name (60 × 'é' = 120 characters,
// 240 bytes) threw inside a promise handler and took the process down.
const SECRET = new TextEncoder().encode(SECRET_TEXT)
let server: ServerProcess
let dir: string
let teamToken: string

beforeAll(async () => {
  dir = await makeTempDir('close-reasons')
  server = await spawnServer({ dataDir: dir, env: { TANDEM_SECRET: SECRET_TEXT } })
  teamToken = await signToken(SECRET, { sub: 'mallory', docs: ['team/*'], collections: [], scope: 'write' }, 3_600_000)
})

afterAll(async () => {
  killAllServers()
  await removeDir(dir)
})

const bytes = (text: string) => new TextEncoder().encode(text).length

/** Opens a socket and resolves with how the server closed it (or that it did not, in 5 s). */
function closeOf(url: string, protocols?: string[], send?: Uint8Array[]): Promise<{ code: number; reason: string }> {
  return withTimeout(
    `the relay to close ${url.slice(0, 60)}`,
    new Promise((resolve) => {
      const ws = new WebSocket(url, protocols)
      ws.on('error', () => {})
      ws.on('open', () => {
        for (const frame of send ?? []) ws.send(frame)
      })
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    }),
    5_000,
  )
}

describe('close reasons', () => {
  it('refuses a stock socket to a document the token does not cover, named with 60 é', async () => {
    const name = 'é'.repeat(60)
    const closed = await closeOf(`${server.url}/${encodeURIComponent(name)}?token=${teamToken}`)
    expect(closed.code).toBe(4403)
    expect(bytes(closed.reason)).toBeLessThanOrEqual(123)
    expect(closed.reason).not.toContain('é')
    await assertServing(server, { token: teamToken })
  })

  it('never quotes client text, and fits 123 bytes, for bad tokens and bad frames', async () => {
    const tokens = ['é'.repeat(200), `${teamToken.slice(0, -4)}éééé`, 'a.b.c', '']
    for (const token of tokens) {
      const closed = await closeOf(`${server.url}/team%2Fx?token=${encodeURIComponent(token)}`)
      expect(closed.code).toBe(4401)
      expect(bytes(closed.reason)).toBeLessThanOrEqual(123)
      expect(closed.reason).not.toContain('é')
    }
    // A Tandem Hello whose token is long multi-byte text.
    const hello = encodeTandemMessage({ type: T.Hello, version: 1, token: 'é'.repeat(500) })
    const closed = await closeOf(server.url, [TANDEM_SUBPROTOCOL], [hello])
    expect(closed.code).toBe(4401)
    expect(bytes(closed.reason)).toBeLessThanOrEqual(123)
    await assertServing(server, { token: teamToken })
  })

  it('property: any document name and token closes with a valid reason, and the relay stays up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
        fc.oneof(fc.constant(teamToken), fc.string({ unit: 'grapheme', maxLength: 300 })),
        async (name, token) => {
          const url = `${server.url}/${encodeURIComponent(name)}?token=${encodeURIComponent(token)}`
          // Names such as "." normalise to the root path, which is the Hocuspocus endpoint: that
          // socket rightly stays open awaiting an Auth message (until the pre-auth deadline).
          const hocuspocus = new URL(url).pathname === '/'
          const ws = new WebSocket(url)
          const outcome = await withTimeout(
            'the socket to open or close',
            new Promise<{ code: number; reason: string } | 'open'>((resolve) => {
              ws.on('error', () => {})
              ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
              ws.on('open', () => {
                // covered documents stay open: close from our side after the first sync
                if (hocuspocus || (token === teamToken && name.startsWith('team/'))) resolve('open')
              })
            }),
            5_000,
          )
          ws.terminate()
          if (outcome !== 'open') expect(bytes(outcome.reason)).toBeLessThanOrEqual(123)
        },
      ),
      { numRuns: 150 },
    )
    await assertServing(server, { token: teamToken })
  })
})
