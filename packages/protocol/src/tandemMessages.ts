import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { TandemMessageType as T } from './messageType.ts'
import { ProtocolError } from './ProtocolError.ts'

/** A frame of Tandem's extension. `channel` numbers are chosen by the client, per socket. */
export type TandemMessage =
  | { type: T.Hello; version: number; token: string }
  | { type: T.Welcome; version: number; heartbeatMs: number; serverTime: number }
  | { type: T.Subscribe; channel: number; doc: string }
  | { type: T.Unsubscribe; channel: number }
  | { type: T.Doc; channel: number; message: Uint8Array }
  | { type: T.DocUpdate; channel: number; seq: number; update: Uint8Array }
  | { type: T.Ack; channel: number; seq: number }
  | { type: T.CheckIn; channel: number; digest: Uint8Array }
  | { type: T.CheckInResult; channel: number; match: boolean; digest: Uint8Array }
  | { type: T.Ping; id: number }
  | { type: T.Pong; id: number }
  | { type: T.Error; channel: number; code: number; reason: string }
  | { type: T.Refused; channel: number; seq: number; code: number; reason: string }
  | { type: T.TokenExpiring; expiresAt: number }
  // Records: the JSON bodies are validated by @tandem/records' wire parsers, not here.
  | { type: T.RecordsSubscribe; channel: number; collection: string; token: string }
  | { type: T.RecordsChanges; channel: number; json: string }
  | { type: T.RecordsPush; channel: number; id: number; json: string }
  | { type: T.RecordsResult; channel: number; id: number; json: string }
  | { type: T.MerkleRequest; channel: number; id: number; json: string }
  | { type: T.MerkleReply; channel: number; id: number; json: string }
  | { type: T.VersionsChanged; channel: number; version: number }

/** Request/response frames: a channel, a client-chosen request id, and a JSON body. */
const ID_JSON: readonly [string, 'u' | 's'][] = [
  ['channel', 'u'],
  ['id', 'u'],
  ['json', 's'],
]

/** Field layout per type, in order: u = varUint, s = varString, b = varUint8Array, f = flag. */
const LAYOUT: { [K in T]: readonly [string, 'u' | 's' | 'b' | 'f'][] } = {
  [T.Hello]: [
    ['version', 'u'],
    ['token', 's'],
  ],
  [T.Welcome]: [
    ['version', 'u'],
    ['heartbeatMs', 'u'],
    ['serverTime', 'u'],
  ],
  [T.Subscribe]: [
    ['channel', 'u'],
    ['doc', 's'],
  ],
  [T.Unsubscribe]: [['channel', 'u']],
  [T.Doc]: [
    ['channel', 'u'],
    ['message', 'b'],
  ],
  [T.DocUpdate]: [
    ['channel', 'u'],
    ['seq', 'u'],
    ['update', 'b'],
  ],
  [T.Ack]: [
    ['channel', 'u'],
    ['seq', 'u'],
  ],
  [T.CheckIn]: [
    ['channel', 'u'],
    ['digest', 'b'],
  ],
  [T.CheckInResult]: [
    ['channel', 'u'],
    ['match', 'f'],
    ['digest', 'b'],
  ],
  [T.Ping]: [['id', 'u']],
  [T.Pong]: [['id', 'u']],
  [T.Error]: [
    ['channel', 'u'],
    ['code', 'u'],
    ['reason', 's'],
  ],
  [T.Refused]: [
    ['channel', 'u'],
    ['seq', 'u'],
    ['code', 'u'],
    ['reason', 's'],
  ],
  [T.TokenExpiring]: [['expiresAt', 'u']],
  [T.RecordsSubscribe]: [
    ['channel', 'u'],
    ['collection', 's'],
    ['token', 's'],
  ],
  [T.RecordsChanges]: [
    ['channel', 'u'],
    ['json', 's'],
  ],
  [T.RecordsPush]: ID_JSON,
  [T.RecordsResult]: ID_JSON,
  [T.MerkleRequest]: ID_JSON,
  [T.MerkleReply]: ID_JSON,
  [T.VersionsChanged]: [
    ['channel', 'u'],
    ['version', 'u'],
  ],
}

export function encodeTandemMessage(message: TandemMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, message.type)
  const fields = message as unknown as Record<string, unknown>
  for (const [name, kind] of LAYOUT[message.type]) {
    const value = fields[name]
    if (kind === 'u') encoding.writeVarUint(encoder, value as number)
    else if (kind === 's') encoding.writeVarString(encoder, value as string)
    else if (kind === 'b') encoding.writeVarUint8Array(encoder, value as Uint8Array)
    else encoding.writeUint8(encoder, value ? 1 : 0)
  }
  return encoding.toUint8Array(encoder)
}

/** Decodes a Tandem frame; throws {@link ProtocolError} for anything malformed. */
export function decodeTandemMessage(frame: Uint8Array): TandemMessage {
  const decoder = decoding.createDecoder(frame)
  const out: Record<string, unknown> = {}
  try {
    const type = decoding.readVarUint(decoder) as T
    const layout = LAYOUT[type]
    if (!layout) throw new ProtocolError(`unknown Tandem message type ${type}`)
    out.type = type
    for (const [name, kind] of layout) {
      if (kind === 'u') out[name] = decoding.readVarUint(decoder)
      else if (kind === 's') out[name] = decoding.readVarString(decoder)
      else if (kind === 'b') out[name] = decoding.readVarUint8Array(decoder)
      else out[name] = decoding.readUint8(decoder) === 1
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed Tandem frame: ${(err as Error).message}`, undefined, { cause: err })
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after Tandem message')
  return out as TandemMessage
}
