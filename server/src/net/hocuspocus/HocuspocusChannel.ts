import { CloseCode, encodeHocuspocusClose, encodeHocuspocusDoc, encodeHocuspocusSyncStatus } from '@tandem/protocol'
import type { Access } from '../../auth/Access.ts'
import type { Peer } from '../../docs/Peer.ts'
import type { Room } from '../../docs/Room.ts'
import type { Connection } from '../Connection.ts'

/**
 * One document of a Hocuspocus provider's socket: a room member whose frames carry the
 * document name first. Its access is its own: each provider authenticates its document.
 */
export class HocuspocusChannel implements Peer {
  readonly awarenessIds = new Set<number>()
  closed = false
  /** Cancels the expiry of this document's token. */
  cancelExpiry: (() => void) | null = null

  constructor(
    readonly name: string,
    readonly room: Room,
    readonly access: Access,
    private readonly conn: Connection,
    private readonly onClosed: (channel: HocuspocusChannel) => void,
  ) {}

  get connId(): number {
    return this.conn.id
  }

  get author(): string | null {
    return this.access.subject
  }

  send(frame: Uint8Array): void {
    if (!this.closed) this.conn.send(encodeHocuspocusDoc(this.name, frame))
  }

  /** Tells the provider one of its updates was committed (true) or refused (false). */
  syncStatus(applied: boolean): void {
    if (!this.closed) this.conn.send(encodeHocuspocusSyncStatus(this.name, applied))
  }

  /** A refused write is answered with SyncStatus false by the session, which knows which one. */
  refuseWrite(): void {}

  /** Ends this document only (the socket may carry others); the provider sees it closed. */
  close(code: number, reason: string): void {
    if (this.closed) return
    if (code === CloseCode.SlowReader) return this.conn.close(code, reason)
    this.conn.send(encodeHocuspocusClose(this.name, reason))
    this.detach()
  }

  detach(): void {
    if (this.closed) return
    this.closed = true
    this.cancelExpiry?.()
    this.room.leave(this)
    this.onClosed(this)
  }
}
