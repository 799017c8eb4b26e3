import { CloseCode, encodeTandemMessage, TandemMessageType } from '@tandem/protocol'
import type { Peer } from '../../docs/Peer.ts'
import type { Room } from '../../docs/Room.ts'
import type { Connection } from '../Connection.ts'

/** One document on a Tandem socket: a room member whose frames are wrapped in Doc envelopes. */
export class TandemChannel implements Peer {
  readonly awarenessIds = new Set<number>()
  closed = false
  private acks: Promise<void> = Promise.resolve()

  constructor(
    readonly id: number,
    readonly room: Room,
    private readonly conn: Connection,
    private readonly onClosed: (channel: TandemChannel) => void,
  ) {}

  get connId(): number {
    return this.conn.id
  }

  get author(): string | null {
    return this.conn.author
  }

  /** Acks `seq` once `written` resolves and every earlier write of this channel was acked. */
  ackAfter(seq: number, written: Promise<void>, acked?: () => void): void {
    const ack = () => {
      this.ack(seq)
      acked?.()
    }
    // Acks are cumulative: one for a later write must wait for an earlier one still waiting
    // for a dependency. A refused write closed the channel, so what follows is never acked.
    const committed = written.then(
      () => true,
      () => false,
    )
    this.acks = this.acks.then(() => committed).then((ok) => (ok ? ack() : undefined))
  }

  send(frame: Uint8Array): void {
    if (!this.closed)
      this.conn.send(encodeTandemMessage({ type: TandemMessageType.Doc, channel: this.id, message: frame }))
  }

  ack(seq: number): void {
    if (!this.closed) this.conn.send(encodeTandemMessage({ type: TandemMessageType.Ack, channel: this.id, seq }))
  }

  versionsChanged(newest: number): void {
    if (!this.closed)
      this.conn.send(
        encodeTandemMessage({ type: TandemMessageType.VersionsChanged, channel: this.id, version: newest }),
      )
  }

  refuseWrite(reason: string, seq = 0): void {
    if (!this.closed) {
      const code = CloseCode.Forbidden
      this.conn.send(encodeTandemMessage({ type: TandemMessageType.Refused, channel: this.id, seq, code, reason }))
    }
  }

  /**
   * Closes the channel, not the socket: one refused document must not cut the others. The
   * client learns why from an Error frame carrying the close code.
   */
  close(code: number, reason: string): void {
    if (this.closed) return
    if (code === CloseCode.SlowReader) return this.conn.close(code, reason)
    this.conn.send(encodeTandemMessage({ type: TandemMessageType.Error, channel: this.id, code, reason }))
    this.detach()
  }

  /** Leaves the room without telling the client (it asked, or the socket is gone). */
  detach(): void {
    if (this.closed) return
    this.closed = true
    this.room.leave(this)
    this.onClosed(this)
  }
}
