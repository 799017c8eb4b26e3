export { applyMutation } from './applyMutation.ts'
export { canonicalJson, compareJson, jsonEqual } from './canonicalJson.ts'
export { type AuthorityDecision, type AuthorityFieldConflict, checkAuthority } from './checkAuthority.ts'
export { coalesceMutations } from './coalesceMutations.ts'
export { diffBucketEntries, diffMerkle, MERKLE_HASH_BYTES, type MerkleDiff } from './diffMerkle.ts'
export { decodeStamp, decodeStampBinary, encodeStamp, encodeStampBinary } from './encodeStamp.ts'
export {
  assertNodeId,
  compareStamps,
  type HlcStamp,
  isValidNodeId,
  MAX_COUNTER,
  MAX_WALL,
  NODE_ID_PATTERN,
  parseStamp,
  sameStamp,
} from './HlcStamp.ts'
export {
  assertWithinSkew,
  DEFAULT_MAX_SKEW_MS,
  HybridLogicalClock,
  type HybridLogicalClockOptions,
} from './HybridLogicalClock.ts'
export { DEFAULT_JSON_LIMITS, type JsonLimits, type JsonValue, parseJsonValue } from './JsonValue.ts'
export { type FieldValue, getField, isDeleted, type LwwRecord, recordValues } from './LwwRecord.ts'
export {
  type BucketEntry,
  DEFAULT_MERKLE_DEPTH,
  EMPTY_MERKLE_HASH,
  MERKLE_FANOUT,
  type MerkleSource,
  MerkleTree,
} from './MerkleTree.ts'
export {
  type BaseVersions,
  type DeleteMutation,
  latestStamp,
  type Mutation,
  mutationToRecord,
  type SetMutation,
} from './Mutation.ts'
export {
  type ConflictSide,
  compareFieldValues,
  type FieldConflict,
  type MergeResult,
  mergeAll,
  mergeRecords,
} from './mergeRecords.ts'
export {
  acknowledgeMutations,
  EMPTY_OUTBOX,
  enqueueMutation,
  failBatch,
  type OutboxEntry,
  type OutboxState,
  rejectMutation,
  takeBatch,
} from './Outbox.ts'
export { DEFAULT_RECORD_LIMITS, type RecordLimits } from './parseFields.ts'
export { COLLECTION_PATTERN, parseMutation } from './parseMutation.ts'
export { parseRecord } from './parseRecord.ts'
export { isRecordsError, RecordsError, type RecordsErrorCode } from './RecordsError.ts'
export { canonicalRecordText, idHash, recordDigest } from './recordDigest.ts'
export { decodeSyncToken, encodeSyncToken, type SyncPosition } from './syncToken.ts'
export {
  type ChangesPage,
  type MerkleRequestBody,
  type MutationResult,
  parseChangesPage,
  parseMerkleRequest,
  parseMutationResults,
  parsePushBody,
  type RejectReason,
} from './wire.ts'
