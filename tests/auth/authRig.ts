import {
  decodeTandemMessage,
  encodeTandemMessage,
  TandemMessageType as T,
  TANDEM_SUBPROTOCOL,
  type TandemMessage,
} from '@tandem/protocol'
import { createLogger, type Relay, type RelayOptions, signToken, startRelay } from '@tandem/server'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

export const SECRET = new TextEncoder().encode('test-secret-0123456789abcdef-0123456789')

export interface AuthRig {
  relay: Relay
  http: string
  token(
    claims: { docs?: string[]; collections?: string[]; scope?: 'read' | 'write'; sub?: string },
    ttlMs?: number,
  ): Promise<string>
  close(): Promise<void>
}

export async function startAuthRelay(options: Partial<RelayOptions> = {}): Promise<AuthRig> {
  const dir = await makeTempDir('auth')
  const relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    auth: { secret: SECRET },
    ...options,
  })
  return {
    relay,
    http: relay.url.replace(/^ws:/, 'http:'),
    token: (c, ttlMs = 60_000) =>
      signToken(
        SECRET,
        { sub: c.sub ?? 'u', docs: c.docs ?? [], collections: c.collections ?? [], scope: c.scope ?? 'write' },
        ttlMs,
      ),
    async close() {
      await relay.close()
      await removeDir(dir)
    },
  }
}

/** A Tandem socket driven frame by frame. */
export async function tandemSocket(relay: Relay) {
  const ws = new WebSocket(`${relay.url}/`, TANDEM_SUBPROTOCOL)
  const got: TandemMessage[] = []
  ws.on('message', (d: Buffer) => got.push(decodeTandemMessage(new Uint8Array(d))))
  const closed = new Promise<number>((resolve) => ws.once('close', resolve))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const send = (m: TandemMessage) => ws.send(encodeTandemMessage(m))
  return {
    ws,
    got,
    closed,
    send,
    async hello(token: string) {
      send({ type: T.Hello, version: 1, token })
    },
    async welcomed() {
      await waitUntil('Welcome', () => got.some((m) => m.type === T.Welcome))
    },
  }
}

/** Opens a stock-protocol socket and resolves with the close code (or 'open' if it stays up for `ms`). */
export async function stockOutcome(url: string, ms = 500): Promise<number | 'open'> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  const result = await new Promise<number | 'open'>((resolve) => {
    ws.once('close', (code) => resolve(code))
    setTimeout(() => resolve('open'), ms)
  })
  ws.terminate()
  return result
}

export function textUpdate(text: string, clientID = 4242): Uint8Array<ArrayBuffer> {
  const d = new Y.Doc()
  d.clientID = clientID
  d.getText('t').insert(0, text)
  // A copy typed as ArrayBuffer-backed, which fetch bodies require.
  return new Uint8Array(Y.encodeStateAsUpdate(d))
}

/** The document's text as the REST API returns it. */
export async function restText(rig: AuthRig, doc: string, token: string): Promise<string> {
  const res = await fetch(`${rig.http}/v1/docs/${encodeURIComponent(doc)}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(await res.arrayBuffer()))
  return d.getText('t').toString()
}
