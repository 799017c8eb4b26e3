export { parseDuration } from './auth/parseDuration.ts'
export { signToken } from './auth/signToken.ts'
export { AuthError, createTokenVerifier, type TokenVerifier } from './auth/TokenVerifier.ts'
export { MemoryHub, MemoryPubSub, type PubSub } from './cluster/PubSub.ts'
export { RedisPubSub } from './cluster/RedisPubSub.ts'
export { createLogger, type Logger } from './Logger.ts'
export { Metrics } from './Metrics.ts'
export type { RelayLimits } from './RelayContext.ts'
export { PostgresRecordStorage } from './records/PostgresRecordStorage.ts'
export { type LiveChange, RecordService, type RecordServiceOptions } from './records/RecordService.ts'
export type {
  ChangesRead,
  Decide,
  Decision,
  NewRow,
  RecordRow,
  RecordStorage,
  WriteItem,
  WriteOutcome,
} from './records/RecordStorage.ts'
export { SqliteRecordStorage, type SqliteRecordStorageOptions } from './records/SqliteRecordStorage.ts'
export { DEFAULT_LIMITS, type RelayOptions } from './relayOptions.ts'
export { type Relay, RelayConfigError, startRelay } from './startRelay.ts'
export { PostgresStorage, type PostgresStorageOptions } from './storage/PostgresStorage.ts'
export { SqliteStorage, type SqliteStorageOptions } from './storage/SqliteStorage.ts'
export {
  type AppendEntry,
  type DocInfo,
  emptyDoc,
  type StorageAdapter,
  type StoredDoc,
} from './storage/StorageAdapter.ts'
