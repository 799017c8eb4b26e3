export { type AuthClaims, matchesAny, matchesPattern } from './authClaims.ts'
export { encodePermissionDenied } from './authMessages.ts'
export {
  type AwarenessEntry,
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeAwarenessFrame,
  encodeAwarenessUpdate,
  encodeQueryAwareness,
} from './awarenessMessages.ts'
export { type BackoffOptions, backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoffDelay.ts'
export { CloseCode, closeCodeName } from './closeCodes.ts'
export { closeReason, MAX_CLOSE_REASON_BYTES } from './closeReason.ts'
export { decodeMessage, type Message } from './decodeMessage.ts'
export {
  decodeHocuspocusFrame,
  encodeHocuspocusAuthenticated,
  encodeHocuspocusClose,
  encodeHocuspocusDoc,
  encodeHocuspocusPermissionDenied,
  encodeHocuspocusSyncStatus,
  HOCUSPOCUS_PING,
  type HocuspocusFrame,
} from './hocuspocusMessages.ts'
export {
  AuthMessageType,
  HocuspocusAuthType,
  HocuspocusMessageType,
  MessageType,
  SyncMessageType,
  TANDEM_SUBPROTOCOL,
  TandemMessageType,
} from './messageType.ts'
export { ProtocolError } from './ProtocolError.ts'
export { equalBytes, stateDigest, updateDigest } from './stateDigest.ts'
export { encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './syncMessages.ts'
export { decodeTandemMessage, encodeTandemMessage, type TandemMessage } from './tandemMessages.ts'
export { assertValidStateVector, assertValidUpdate } from './validateUpdate.ts'
