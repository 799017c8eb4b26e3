import * as encoding from 'lib0/encoding'
import { MessageType, SyncMessageType } from './messageType.ts'

function encodeSync(kind: SyncMessageType, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  encoding.writeVarUint(encoder, kind)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Sync step 1: "here is my state vector, send me what I lack". */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.Step1, stateVector)
}

/** Sync step 2: the answer to step 1, an update holding everything the asker lacks. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.Step2, update)
}

/** A live Yjs update. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.Update, update)
}
