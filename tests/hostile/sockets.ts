import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import {
  CloseCode,
  encodeTandemMessage,
  TandemMessageType as T,
  TANDEM_SUBPROTOCOL,
  type TandemMessage,
} from '@tandem/protocol'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { withTimeout } from '../helpers/wait.ts'

/**
 * Hostile connections for tests/hostile: a raw socket on the stock path (`/<doc>`) or on the
 * Tandem path (subprotocol `tandem.1`), that sends what it is told and records how it ended.
 */

export type Path = 'stock' | 'tandem'

export interface Hostile {
  ws: WebSocket
  received: Uint8Array[]
  /** The close code (1006 for a connection cut without a close frame). */
  closed: Promise<number>
  isClosed(): boolean
}

export async function openHostile(baseUrl: string, path: Path, doc = 'unused'): Promise<Hostile> {
  const ws = path === 'tandem' ? new WebSocket(`${baseUrl}/`, TANDEM_SUBPROTOCOL) : new WebSocket(`${baseUrl}/${doc}`)
  const received: Uint8Array[] = []
  let done = false
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)))
  ws.on('error', () => {})
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code: number) => {
      done = true
      resolve(code)
    }),
  )
  await withTimeout(
    `a ${path} socket to open`,
    new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject)),
  )
  return { ws, received, closed, isClosed: () => done }
}

/**
 * Opens a connection, sends `frames` and returns how the server closed it, or 'open' if it
 * did not within `timeoutMs`. The socket never outlives the call.
 */
export async function sendFrames(
  baseUrl: string,
  path: Path,
  doc: string,
  frames: readonly Uint8Array[],
  timeoutMs = 5_000,
): Promise<number | 'open'> {
  const h = await openHostile(baseUrl, path, doc)
  try {
    for (const f of frames) if (!h.isClosed()) h.ws.send(f)
    return await withTimeout('the server to close a hostile socket', h.closed, timeoutMs).catch(() => 'open' as const)
  } finally {
    h.ws.terminate()
  }
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` at a time. */
export async function inParallel<R>(count: number, parallel: number, task: (i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      out[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker))
  return out
}

export const tandem = (m: TandemMessage): Uint8Array => encodeTandemMessage(m)
export const hello = (): Uint8Array => tandem({ type: T.Hello, version: 1, token: '' })
export const subscribe = (channel: number, doc: string): Uint8Array => tandem({ type: T.Subscribe, channel, doc })
export const inDoc = (channel: number, message: Uint8Array): Uint8Array => tandem({ type: T.Doc, channel, message })
export const docUpdate = (channel: number, seq: number, update: Uint8Array): Uint8Array =>
  tandem({ type: T.DocUpdate, channel, seq, update })

/** Concatenates byte parts; numbers are single bytes. */
export function bytes(...parts: (number[] | Uint8Array)[]): Uint8Array {
  const e = encoding.createEncoder()
  for (const p of parts) encoding.writeUint8Array(e, Uint8Array.from(p))
  return encoding.toUint8Array(e)
}

export function varUint(n: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, n)
  return encoding.toUint8Array(e)
}

/** A varint longer than 53 bits: lib0 refuses it ("Integer out of Range"). */
export const overlongVarint = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])

/** Codes a hostile frame may earn; 1011 (internal error) and 1006 (no close frame) are not among them. */
export const NAMED_REFUSALS: readonly number[] = [
  CloseCode.MalformedMessage,
  CloseCode.InvalidUpdate,
  CloseCode.LimitExceeded,
  CloseCode.Unauthorized,
  CloseCode.Forbidden,
  CloseCode.InvalidDocumentName,
  CloseCode.MessageTooBig,
]

/**
 * A plain TCP connection that does the WebSocket upgrade by hand, for what a `ws` client will
 * not do: frame headers with absurd lengths, or never reading a byte after the handshake.
 * Resolves once the 101 response arrived; `data` collects what follows it.
 */
export async function rawUpgrade(
  port: number,
  path: string,
): Promise<{ socket: Socket; data: Buffer[]; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  const key = randomBytes(16).toString('base64')
  socket.write(
    `GET /${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  const data: Buffer[] = []
  let head = Buffer.alloc(0)
  await withTimeout(
    'the upgrade response',
    new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        socket.off('data', onData)
        if (!head.subarray(0, 12).toString().includes('101')) reject(new Error(`upgrade refused: ${head.toString()}`))
        if (head.length > end + 4) data.push(head.subarray(end + 4))
        socket.on('data', (c: Buffer) => data.push(c))
        resolve()
      }
      socket.on('data', onData)
      void closed.then(() => reject(new Error('closed during the upgrade')))
    }),
  )
  return { socket, data, closed }
}

/** A masked binary frame header (client to server) claiming `length` payload bytes. */
export function frameHeader(length: bigint): Buffer {
  const header = Buffer.alloc(14)
  header[0] = 0x82
  header[1] = 0x80 | 127
  header.writeBigUInt64BE(length, 2)
  header.writeUInt32BE(0x01020304, 10)
  return header
}
