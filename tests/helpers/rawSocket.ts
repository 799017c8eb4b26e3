import { WebSocket } from 'ws'
import { withTimeout } from './wait.ts'

/**
 * A bare `ws` connection for frames no well-behaved client would send. It records what the
 * server sends back and how the server closed it.
 */
export interface RawSocket {
  ws: WebSocket
  received: Uint8Array[]
  /** Resolves with the close code and reason once the connection is closed, by either side. */
  closed: Promise<{ code: number; reason: string }>
  isClosed(): boolean
}

export async function openRaw(url: string): Promise<RawSocket> {
  const ws = new WebSocket(url)
  const received: Uint8Array[] = []
  let isClosed = false
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) received.push(new Uint8Array(data))
  })
  // a reset by the server is a valid outcome under test, not an uncaught error
  ws.on('error', () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) => {
      isClosed = true
      resolve({ code, reason: reason.toString() })
    })
  })
  await withTimeout(
    `raw socket to ${url} to open`,
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    }),
  )
  return { ws, received, closed, isClosed: () => isClosed }
}

/** Sends `frame` and waits for the server to close the connection; returns the close code. */
export async function sendAndAwaitClose(
  raw: RawSocket,
  frame: Uint8Array | string,
  timeoutMs = 5_000,
): Promise<number> {
  raw.ws.send(frame)
  try {
    const { code } = await withTimeout('server to close the hostile connection', raw.closed, timeoutMs)
    return code
  } finally {
    // a server that ignored the frame leaves the socket open; it must not leak into later tests
    raw.ws.terminate()
  }
}
