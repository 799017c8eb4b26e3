import * as encoding from 'lib0/encoding'
import { AuthMessageType, MessageType } from './messageType.ts'

/** y-protocols/auth "permission denied": stock clients call their permission-denied handler. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Auth)
  encoding.writeVarUint(encoder, AuthMessageType.PermissionDenied)
  encoding.writeVarString(encoder, reason)
  return encoding.toUint8Array(encoder)
}
