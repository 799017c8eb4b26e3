/**
 * WebSocket close codes the relay uses. 1000-1015 are RFC 6455 codes; 4000-4999 are for
 * applications. A client (or operator reading logs) can tell from the code alone why a
 * connection was closed, without parsing the reason string.
 *
 * The 4400-4499 range mirrors HTTP 4xx: reconnecting cannot help, and stock y-websocket
 * clients stop retrying. 4500-4599 mirrors 5xx and means "try again later": every client
 * reconnects (with backoff). A code is put in one range or the other on that basis.
 */
export const CloseCode = {
  Normal: 1000,
  /** The server is shutting down (or draining); reconnect elsewhere or later. */
  GoingAway: 1001,
  /** A text frame: the protocol is binary only. */
  UnsupportedData: 1003,
  /** A frame larger than the configured limit. */
  MessageTooBig: 1009,
  /** An unexpected server error; the document is untouched. */
  InternalError: 1011,
  /** The frame could not be decoded as a protocol message. */
  MalformedMessage: 4400,
  /** Authentication is missing or invalid. */
  Unauthorized: 4401,
  /** Authenticated, but not allowed to access this resource. */
  Forbidden: 4403,
  /** The document was deleted by an operator; it cannot be written again under this name. */
  DocumentDeleted: 4410,
  /** The document name is invalid (too long, bad characters). */
  InvalidDocumentName: 4404,
  /** The peer does not read what is sent to it, so its send buffer passed the limit. Transient. */
  SlowReader: 4508,
  /**
   * A sync message carried bytes that are not a valid Yjs update, or an update that cannot be
   * integrated into the document (it names structs in a way no Yjs client produces). Nothing
   * of it was stored or forwarded.
   */
  InvalidUpdate: 4422,
  /** A count or size limit was exceeded (documents per connection, presence size, connections per IP). */
  LimitExceeded: 4413,
  /** Rate limit exceeded. Transient: a client that slows down is welcome back. */
  RateLimited: 4529,
  /** Storage failed to commit; nothing was acknowledged. Transient. */
  StorageUnavailable: 4503,
  /**
   * An update waited for changes it builds on (still in flight) past the relay's time or
   * size bound and was dropped unstored. Transient: reconnecting syncs it again.
   */
  UnresolvedUpdate: 4504,
} as const

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

const names = new Map<number, string>(Object.entries(CloseCode).map(([k, v]) => [v, k]))

/** The name of a close code, for logs and error messages ("MessageTooBig"). */
export function closeCodeName(code: number): string {
  return names.get(code) ?? `Unknown(${code})`
}
