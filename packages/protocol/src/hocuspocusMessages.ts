import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { HocuspocusMessageType as H, HocuspocusAuthType } from './messageType.ts'
import { ProtocolError } from './ProtocolError.ts'

/** A frame from a Hocuspocus provider. `message` is the base y-protocols frame, a view into the input. */
export type HocuspocusFrame =
  | { type: H.Pong }
  | { type: H.Sync | H.Awareness | H.QueryAwareness; doc: string; message: Uint8Array }
  | { type: H.Auth; doc: string; token: string }
  | { type: H.Stateless; doc: string; payload: string }
  | { type: H.Close; doc: string }

/** Decodes a client frame; throws ProtocolError for anything malformed or unknown. */
export function decodeHocuspocusFrame(frame: Uint8Array): HocuspocusFrame {
  if (frame.length === 1 && frame[0] === H.Pong) return { type: H.Pong }
  const decoder = decoding.createDecoder(frame)
  try {
    const doc = decoding.readVarString(decoder)
    const start = decoder.pos
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case H.Sync:
      case H.Awareness:
      case H.QueryAwareness:
        // The rest is a base message: y-protocols' decoder checks it.
        return { type, doc, message: frame.subarray(start) }
      case H.Auth: {
        const auth = decoding.readVarUint(decoder)
        if (auth !== HocuspocusAuthType.Token)
          throw new ProtocolError(`clients send only Token auth messages, got ${auth}`)
        const token = decoding.readVarString(decoder)
        // Providers append their version; older ones do not.
        if (decoding.hasContent(decoder)) decoding.readVarString(decoder)
        return end(decoder, { type, doc, token })
      }
      case H.Stateless:
        return end(decoder, { type, doc, payload: decoding.readVarString(decoder) })
      case H.Close:
        return end(decoder, { type, doc })
      default:
        throw new ProtocolError(`unknown Hocuspocus message type ${type}`)
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed Hocuspocus frame: ${(err as Error).message}`, undefined, { cause: err })
  }
}

function end<T>(decoder: decoding.Decoder, value: T): T {
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after Hocuspocus message')
  return value
}

/** A base y-protocols frame addressed to `doc` (Sync, Awareness: the types coincide). */
export function encodeHocuspocusDoc(doc: string, message: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, doc)
  encoding.writeUint8Array(encoder, message)
  return encoding.toUint8Array(encoder)
}

export function encodeHocuspocusAuthenticated(doc: string, scope: 'read-write' | 'readonly'): Uint8Array {
  return withDoc(doc, H.Auth, (e) => {
    encoding.writeVarUint(e, HocuspocusAuthType.Authenticated)
    encoding.writeVarString(e, scope)
  })
}

export function encodeHocuspocusPermissionDenied(doc: string, reason: string): Uint8Array {
  return withDoc(doc, H.Auth, (e) => {
    encoding.writeVarUint(e, HocuspocusAuthType.PermissionDenied)
    encoding.writeVarString(e, reason)
  })
}

export function encodeHocuspocusSyncStatus(doc: string, applied: boolean): Uint8Array {
  return withDoc(doc, H.SyncStatus, (e) => encoding.writeVarUint(e, applied ? 1 : 0))
}

export function encodeHocuspocusClose(doc: string, reason: string): Uint8Array {
  return withDoc(doc, H.Close, (e) => encoding.writeVarString(e, reason))
}

export const HOCUSPOCUS_PING: Uint8Array = Uint8Array.of(H.Ping)

function withDoc(doc: string, type: H, write: (e: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, doc)
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}
