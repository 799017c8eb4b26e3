/**
 * A member of a room: a stock y-websocket connection, or one channel of a Tandem socket.
 * Frames handed to `send` are base y-protocols messages; a Tandem channel wraps them.
 */
export interface Peer {
  /** Awareness client ids this peer announced, removed for the others when it leaves. */
  readonly awarenessIds: Set<number>
  /** The socket's id, for log lines. */
  readonly connId: number
  /** The token's subject, which history records as the author of what this peer writes. */
  readonly author?: string | null
  /** The document's version list changed (Tandem channels tell their client; stock ones cannot). */
  versionsChanged?(newest: number): void
  send(frame: Uint8Array): void
  /** Tells the peer a change it sent was refused (read-only); the document is untouched. */
  refuseWrite(reason: string, seq?: number): void
  /** Ends this peer's membership with a named close code (see @tandem/protocol CloseCode). */
  close(code: number, reason: string): void
}
