import { CloseCode, ProtocolError } from '@tandem/protocol'
import type { Connection } from './Connection.ts'
import { RateLimiter } from './RateLimiter.ts'
import type { RelayContext } from './RelayContext.ts'

export interface SocketHandlers {
  /** Returns false for a frame that cost nothing (an echo): it is not charged to the rate limit. */
  frame(frame: Uint8Array): boolean | undefined | void
  closed(): void
}

/**
 * Wires a socket to its handlers with the checks every connection gets: binary frames only,
 * a rate limit, and bad input closing just this connection with its named code.
 *
 * Past its budget a connection is slowed, not cut: the relay stops reading its socket until the
 * budget refills, so TCP pushes back on the writer (a bulk import finishes, only slower). It is
 * closed with RateLimited only when it keeps sending a whole further burst while paused, or when,
 * paused, it does not read what the relay sends it (a flooder that never reads).
 */
export function acceptSocket(ctx: RelayContext, conn: Connection, handlers: SocketHandlers): void {
  const { ws } = conn
  const { limits, metrics, log } = ctx
  const limiter = new RateLimiter(limits.maxMessagesPerSecond, limits.maxBytesPerSecond, limits.maxFrameBytes)
  ws.on('error', (err: Error & { code?: string }) => {
    // ws closes the socket itself (1009) for a frame over maxPayload, and reports it here.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      metrics.inc('tandem_rejected_frames_total', 'Frames refused, by reason', { reason: 'too_big' })
    } else log.warn('socket error', { conn: conn.id, error: err.message })
  })
  let resumeTimer: ReturnType<typeof setTimeout> | undefined
  const resume = () => {
    resumeTimer = undefined
    if (conn.closed) return
    if (ws.bufferedAmount > limits.maxBufferedBytes / 4) {
      return reject(ctx, conn, 'rate', CloseCode.RateLimited, 'too many messages')
    }
    ws.resume()
  }
  ws.on('close', () => {
    ctx.reclaimer?.noteActivity()
    if (resumeTimer) clearTimeout(resumeTimer)
    conn.closed = true
    handlers.closed()
  })
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    ctx.reclaimer?.noteActivity()
    if (conn.closed) return
    if (!isBinary) return reject(ctx, conn, 'text', CloseCode.UnsupportedData, 'text frames are not supported')
    const waitMs = limiter.charge(data.length)
    if (waitMs === Number.POSITIVE_INFINITY)
      return reject(ctx, conn, 'rate', CloseCode.RateLimited, 'too many messages')
    if (waitMs > 0 && !resumeTimer) {
      // Frames ws already parsed still arrive while paused; they are charged and handled.
      metrics.inc('tandem_throttled_total', 'Times a connection was paused for sending past its rate')
      ws.pause()
      resumeTimer = setTimeout(resume, waitMs)
    }
    metrics.inc('tandem_bytes_in_total', 'Bytes received in frames', undefined, data.length)
    if (dispatchGuarded(ctx, conn, handlers.frame, data) === false) limiter.refund(data.length)
  })
}

function reject(ctx: RelayContext, conn: Connection, reason: string, code: number, message: string): void {
  ctx.metrics.inc('tandem_rejected_frames_total', 'Frames refused, by reason', { reason })
  // Decoder messages quote the input after a colon ("malformed frame: Unexpected token 'é'...");
  // the client gets the server's part, the log gets all of it.
  const colon = message.indexOf(': ')
  conn.close(code, colon < 0 ? message : message.slice(0, colon), colon < 0 ? undefined : message)
}

/** Runs `handle(frame)`; bad input closes this connection with its named code, nothing else. */
export function dispatchGuarded(
  ctx: RelayContext,
  conn: Connection,
  handle: (frame: Uint8Array) => boolean | undefined | void,
  frame: Uint8Array,
): boolean | undefined | void {
  try {
    return handle(frame)
  } catch (err) {
    if (err instanceof ProtocolError) reject(ctx, conn, `code_${err.closeCode}`, err.closeCode, err.message)
    else {
      ctx.log.error('unexpected error handling a message', { conn: conn.id, error: String(err) })
      reject(ctx, conn, 'internal', CloseCode.InternalError, 'internal error')
    }
  }
}
