export { parseDuration } from './auth/parseDuration.ts'
export { signToken } from './auth/signToken.ts'
export { AuthError, createTokenVerifier, type TokenVerifier } from './auth/TokenVerifier.ts'
export { MemoryHub, MemoryPubSub, type PubSub } from './cluster/PubSub.ts'
export { RedisPubSub } from './cluster/RedisPubSub.ts'
export { DEFAULT_LIMITS, type RelayOptions } from './main/relayOptions.ts'
export { type Relay, RelayConfigError, startRelay } from './main/startRelay.ts'
export { createLogger, type Logger } from './ops/Logger.ts'
export { Metrics } from './ops/Metrics.ts'
export type { RelayLimits } from './ops/RelayLimits.ts'
export { type LiveChange, RecordService, type RecordServiceOptions } from './records/RecordService.ts'
export { PostgresRecordStorage } from './storage/postgres/PostgresRecordStorage.ts'
export { PostgresStorage, type PostgresStorageOptions } from './storage/postgres/PostgresStorage.ts'
export type {
  ChangesRead,
  Decide,
  Decision,
  NewRow,
  RecordRow,
  RecordStorage,
  WriteItem,
  WriteOutcome,
} from './storage/RecordStorage.ts'
export {
  type AppendEntry,
  type DocInfo,
  emptyDoc,
  type StorageAdapter,
  type StoredDoc,
} from './storage/StorageAdapter.ts'
export { SqliteRecordStorage, type SqliteRecordStorageOptions } from './storage/sqlite/SqliteRecordStorage.ts'
export { SqliteStorage, type SqliteStorageOptions } from './storage/sqlite/SqliteStorage.ts'
