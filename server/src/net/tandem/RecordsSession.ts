import {
  CloseCode,
  encodeTandemMessage,
  ProtocolError,
  TandemMessageType as T,
  type TandemMessage,
} from '@tandem/protocol'
import { COLLECTION_PATTERN, isRecordsError, parseMerkleRequest, parsePushBody } from '@tandem/records'
import type { Access } from '../../auth/Access.ts'
import type { Connection } from '../Connection.ts'
import { RecordsChannel } from './RecordsChannel.ts'
import type { SessionDeps } from './SessionDeps.ts'

type RecordsMessage = Extract<TandemMessage, { type: T.RecordsSubscribe | T.RecordsPush | T.MerkleRequest }>

/** Malformed JSON envelopes are protocol errors: they close the socket like any bad frame. */
function parsed<V>(fn: () => V): V {
  try {
    return fn()
  } catch (err) {
    if (isRecordsError(err)) throw new ProtocolError(err.message)
    throw err
  }
}

/**
 * The records part of a Tandem session: its collection channels and the three records
 * messages a client sends. Access is checked on every message: reading to subscribe and to
 * check in, writing per push (a read-only token gets each mutation refused, not the socket).
 */
export class RecordsSession {
  private readonly channels = new Map<number, RecordsChannel>()

  constructor(
    private readonly ctx: SessionDeps,
    private readonly conn: Connection,
    private readonly channelTaken: (id: number) => boolean,
  ) {}

  has(id: number): boolean {
    return this.channels.has(id)
  }

  private reply(message: TandemMessage): void {
    this.conn.send(encodeTandemMessage(message))
  }

  handle(m: RecordsMessage, access: Access): void {
    const service = this.ctx.records
    if (m.type === T.RecordsSubscribe) {
      if (this.channels.has(m.channel) || this.channelTaken(m.channel)) {
        throw new ProtocolError(`channel ${m.channel} is already open`)
      }
      const refuse = (code: number, reason: string) => this.reply({ type: T.Error, channel: m.channel, code, reason })
      if (!service) return refuse(CloseCode.Forbidden, 'records are not enabled on this server')
      if (!COLLECTION_PATTERN.test(m.collection)) return refuse(CloseCode.InvalidDocumentName, 'invalid collection')
      if (!access.canReadCollection(m.collection)) return refuse(CloseCode.Forbidden, 'not allowed by token')
      if (this.channels.size + 1 > this.ctx.limits.maxDocsPerConnection) {
        return refuse(CloseCode.LimitExceeded, 'too many channels on one connection')
      }
      const channel = new RecordsChannel(m.channel, m.collection, this.conn, service, m.token, (c) =>
        this.channels.delete(c.id),
      )
      this.channels.set(m.channel, channel)
      return
    }
    const channel = this.channels.get(m.channel)
    // A frame for a channel just closed can still be in flight: not an error.
    if (!channel || !service) return
    if (m.type === T.RecordsPush) {
      const raws = parsed(() => parsePushBody(m.json))
      const canWrite = access.canWriteCollection(channel.collection)
      if (!canWrite) this.ctx.metrics.inc('tandem_refused_writes_total', 'Writes refused for lack of write permission')
      service
        .push(channel.collection, raws, canWrite)
        .then(
          (results) =>
            channel.send({ type: T.RecordsResult, channel: m.channel, id: m.id, json: JSON.stringify({ results }) }),
          (err) => channel.close(CloseCode.InternalError, `push failed: ${String(err)}`),
        )
        .catch((err: unknown) => this.unexpected(err))
      return
    }
    const body = parsed(() => parseMerkleRequest(m.json))
    service
      .merkleAnswer(channel.collection, body)
      .then(
        (answer) => {
          const json = JSON.stringify(answer)
          // What check-ins cost the server, to set against full resyncs (bytes of the JSON bodies).
          this.ctx.metrics.inc(
            'tandem_record_checkin_bytes_total',
            'Merkle check-in bytes',
            {},
            m.json.length + json.length,
          )
          channel.send({ type: T.MerkleReply, channel: m.channel, id: m.id, json })
        },
        (err) => {
          const error = isRecordsError(err) ? err.message : 'check-in failed'
          channel.send({ type: T.MerkleReply, channel: m.channel, id: m.id, json: JSON.stringify({ error }) })
        },
      )
      .catch((err: unknown) => this.unexpected(err))
  }

  /** A failure past the checks costs this one connection, never the process. */
  private unexpected(err: unknown): void {
    this.ctx.log.error('unexpected error in a records channel', { conn: this.conn.id, error: String(err) })
    this.conn.close(CloseCode.InternalError, 'internal error')
  }

  /** A refreshed token may grant less: leave what it no longer covers. */
  recheck(access: Access): void {
    for (const channel of [...this.channels.values()]) {
      if (!access.canReadCollection(channel.collection)) channel.close(CloseCode.Forbidden, 'no longer allowed')
    }
  }

  unsubscribe(id: number): void {
    this.channels.get(id)?.detach()
  }

  closed(): void {
    for (const channel of [...this.channels.values()]) channel.detach()
  }
}
