import * as Y from 'yjs'
import { CloseCode } from './closeCodes.ts'
import { ProtocolError } from './ProtocolError.ts'

/**
 * Throws {@link ProtocolError} (close code InvalidUpdate) unless `update` parses completely
 * as a Yjs v1 update: every struct, its content and the delete set. A relay that stores
 * updates without applying them needs this so that no byte string it accepts can later
 * break a merge or a client.
 */
export function assertValidUpdate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update)
  } catch (err) {
    throw new ProtocolError(`not a valid Yjs update: ${(err as Error).message}`, CloseCode.InvalidUpdate, {
      cause: err,
    })
  }
}

/** Like {@link assertValidUpdate}, for an encoded state vector. */
export function assertValidStateVector(stateVector: Uint8Array): void {
  try {
    Y.decodeStateVector(stateVector)
  } catch (err) {
    throw new ProtocolError(`not a valid state vector: ${(err as Error).message}`, CloseCode.MalformedMessage, {
      cause: err,
    })
  }
}
