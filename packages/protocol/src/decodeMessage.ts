import * as decoding from 'lib0/decoding'
import { AuthMessageType, MessageType, SyncMessageType } from './messageType.ts'
import { ProtocolError } from './ProtocolError.ts'

/** A decoded base-protocol message. Payloads are views into the frame, not copies. */
export type Message =
  | { type: MessageType.Sync; sync: SyncMessageType.Step1; stateVector: Uint8Array }
  | { type: MessageType.Sync; sync: SyncMessageType.Step2 | SyncMessageType.Update; update: Uint8Array }
  | { type: MessageType.Awareness; update: Uint8Array }
  | { type: MessageType.Auth; auth: AuthMessageType.PermissionDenied; reason: string }
  | { type: MessageType.QueryAwareness }

function readMessage(decoder: decoding.Decoder): Message {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync: {
      const sync = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (sync === SyncMessageType.Step1) return { type, sync, stateVector: payload }
      if (sync === SyncMessageType.Step2 || sync === SyncMessageType.Update) return { type, sync, update: payload }
      throw new ProtocolError(`unknown sync message type ${sync}`)
    }
    case MessageType.Awareness:
      return { type, update: decoding.readVarUint8Array(decoder) }
    case MessageType.Auth: {
      const auth = decoding.readVarUint(decoder)
      if (auth !== AuthMessageType.PermissionDenied) throw new ProtocolError(`unknown auth message type ${auth}`)
      return { type, auth, reason: decoding.readVarString(decoder) }
    }
    case MessageType.QueryAwareness:
      return { type }
    default:
      throw new ProtocolError(`unknown message type ${type}`)
  }
}

/**
 * Decodes one frame. Throws {@link ProtocolError} for anything malformed: truncated or
 * oversized varints, lengths past the end, unknown types, or trailing bytes.
 */
export function decodeMessage(frame: Uint8Array): Message {
  const decoder = decoding.createDecoder(frame)
  let message: Message
  try {
    message = readMessage(decoder)
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed frame: ${(err as Error).message}`, undefined, { cause: err })
  }
  if (decoding.hasContent(decoder)) {
    throw new ProtocolError(`${frame.length - decoder.pos} trailing bytes after message`)
  }
  return message
}
