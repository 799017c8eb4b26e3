import { CloseCode, closeCodeName, closeReason, encodePermissionDenied } from '@tandem/protocol'
import type { WebSocket } from 'ws'
import { NO_REQUEST, type RequestInfo } from '../auth/RequestInfo.ts'
import type { Peer } from '../docs/Peer.ts'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'

/** How long a closing socket may take to finish its close handshake before it is cut. */
const CLOSE_GRACE_MS = 2_000

/**
 * One client socket. Owns nothing of the document; it is the place that knows how to send to
 * this peer without letting a peer that never reads grow the server's memory.
 */
export class Connection implements Peer {
  readonly awarenessIds = new Set<number>()
  closed = false
  /** The token's subject once authenticated (history's author); null without one. */
  author: string | null = null
  /** The upgrade request, for hooks (onAuthenticate, onConnect). */
  request: RequestInfo = NO_REQUEST
  /** A frame that means nothing to the client, sent when it heard nothing for a while (stock clients). */
  keepalive: Uint8Array | null = null
  /** When a frame was last sent (ms since the epoch). */
  lastSentAt = Date.now()

  constructor(
    readonly ws: WebSocket,
    readonly id: number,
    private readonly maxBufferedBytes: number,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  get connId(): number {
    return this.id
  }

  send(frame: Uint8Array): void {
    if (this.closed) return
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(CloseCode.SlowReader, 'send buffer limit exceeded')
      return
    }
    this.ws.send(frame)
    this.lastSentAt = Date.now()
    this.metrics?.inc('tandem_bytes_out_total', 'Bytes sent in frames', undefined, frame.length)
  }

  /** Stock clients get y-protocols' permission-denied message, which they log. */
  refuseWrite(reason: string): void {
    this.send(encodePermissionDenied(reason))
  }

  /**
   * Closes with a named code; idempotent. `reason` goes to the client and must be the
   * server's own words; `detail` (which may quote the client's input) only to the log.
   */
  close(code: number, reason: string, detail?: string): void {
    if (this.closed) return
    this.closed = true
    if (code !== CloseCode.Normal && code !== CloseCode.GoingAway) {
      this.log.warn('closing connection', { conn: this.id, code, codeName: closeCodeName(code), reason, detail })
    }
    // ws throws on a reason over 123 bytes: cut in bytes, not characters.
    this.ws.close(code, closeReason(reason))
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref()
  }
}
