import {
  assertValidUpdate,
  CloseCode,
  decodeTandemMessage,
  encodeTandemMessage,
  equalBytes,
  ProtocolError,
  TandemMessageType as T,
  type TandemMessage,
} from '@tandem/protocol'
import type { Connection } from './Connection.ts'
import { handleMessage } from './handleMessage.ts'
import { isEmptyUpdate } from './isEmptyUpdate.ts'
import { validDocName } from './parseDocName.ts'
import type { RelayContext } from './RelayContext.ts'
import type { RoomRegistry } from './RoomRegistry.ts'
import { TandemChannel } from './TandemChannel.ts'

export const TANDEM_VERSION = 1

/**
 * A socket that speaks Tandem's extension: many documents over one connection, each on a
 * channel the client numbers; durable acks; check-ins; liveness pings a browser can see.
 */
export class TandemSession {
  private readonly channels = new Map<number, TandemChannel>()

  constructor(
    private readonly ctx: RelayContext,
    private readonly rooms: RoomRegistry,
    private readonly conn: Connection,
    private readonly heartbeatMs: number,
    private readonly maxDocNameLength: number,
  ) {}

  private reply(message: TandemMessage): void {
    this.conn.send(encodeTandemMessage(message))
  }

  /** Handles one frame; throws ProtocolError for bad input (the caller closes the socket). */
  handle(frame: Uint8Array): void {
    const m = decodeTandemMessage(frame)
    switch (m.type) {
      case T.Hello:
        if (m.version !== TANDEM_VERSION) throw new ProtocolError(`unsupported Tandem version ${m.version}`)
        return this.reply({
          type: T.Welcome,
          version: TANDEM_VERSION,
          heartbeatMs: this.heartbeatMs,
          serverTime: Date.now(),
        })
      case T.Ping:
        return this.reply({ type: T.Pong, id: m.id })
      case T.Subscribe:
        return this.subscribe(m.channel, m.doc)
      case T.Unsubscribe:
        this.channels.get(m.channel)?.detach()
        return
      case T.Doc: {
        const channel = this.channels.get(m.channel)
        // Frames for a channel the client just left can still be in flight: not an error.
        if (channel) handleMessage(this.ctx, channel.room, channel, m.message)
        return
      }
      case T.DocUpdate:
        return this.docUpdate(m.channel, m.seq, m.update)
      case T.CheckIn:
        return this.checkIn(m.channel, m.digest)
      default:
        throw new ProtocolError(`message type ${m.type} is not sent by clients`)
    }
  }

  private subscribe(id: number, doc: string): void {
    if (this.channels.has(id)) throw new ProtocolError(`channel ${id} is already open`)
    if (!validDocName(doc, this.maxDocNameLength)) {
      return this.reply({
        type: T.Error,
        channel: id,
        code: CloseCode.InvalidDocumentName,
        reason: 'invalid document name',
      })
    }
    const channel = new TandemChannel(id, this.rooms.get(doc), this.conn, (c) => this.channels.delete(c.id))
    this.channels.set(id, channel)
    channel.room.join(channel)
    channel.room.greet(channel)
  }

  private docUpdate(id: number, seq: number, update: Uint8Array): void {
    const channel = this.channels.get(id)
    if (!channel) return
    if (isEmptyUpdate(update)) return channel.room.afterWrites(channel, () => channel.ack(seq))
    assertValidUpdate(update)
    channel.room.write(update.slice(), null, channel, () => channel.ack(seq))
  }

  private checkIn(id: number, digest: Uint8Array): void {
    const channel = this.channels.get(id)
    if (!channel) return
    // Compare only after this channel's earlier writes are committed and in the state.
    channel.room.afterWrites(channel, () => {
      channel.room
        .getState()
        .then((state) => state.digest())
        .then(
          (ours) => {
            if (!channel.closed)
              this.reply({ type: T.CheckInResult, channel: id, match: equalBytes(ours, digest), digest: ours })
          },
          (err) => {
            this.ctx.log.error('check-in failed', { doc: channel.room.name, error: String(err) })
            channel.close(CloseCode.InternalError, 'check-in failed')
          },
        )
    })
  }

  /** The socket closed: every channel leaves its room. */
  closed(): void {
    for (const channel of [...this.channels.values()]) channel.detach()
  }
}
