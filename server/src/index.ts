export { parseDuration } from './auth/parseDuration.ts'
export type { ClientVia, RequestInfo } from './auth/RequestInfo.ts'
export { signToken } from './auth/signToken.ts'
export { AuthError, createTokenVerifier, type TokenVerifier } from './auth/TokenVerifier.ts'
export { MemoryHub, MemoryPubSub, type PubSub } from './cluster/PubSub.ts'
export { RedisPubSub } from './cluster/RedisPubSub.ts'
export type { ServerDocument, ServerDocumentOptions } from './docs/ServerDocument.ts'
export { WriteRefused } from './docs/writeGate.ts'
export { type IpThrottleOptions, ipThrottle } from './extensions/ipThrottle.ts'
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './extensions/webhooks/webhookEvents.ts'
export { signWebhook, verifyWebhook } from './extensions/webhooks/webhookSignature.ts'
export { type WebhookOptions, webhooks } from './extensions/webhooks/webhooks.ts'
export { HookRejection } from './hooks/HookRejection.ts'
export type {
  AuthenticateEvent,
  AwarenessEvent,
  ChangeEvent,
  ConnectEvent,
  ExtensionContext,
  GrantedClaims,
  LoadDocumentEvent,
  RecordsChangeEvent,
  RelayExtension,
  RelayHooks,
  StoreDocumentEvent,
} from './hooks/RelayExtension.ts'
export { createRelay, type EmbeddedRelay } from './main/createRelay.ts'
export { DEFAULT_LIMITS, type RelayOptions } from './main/relayOptions.ts'
export { type Relay, RelayConfigError, startRelay } from './main/startRelay.ts'
export { createLogger, type Logger } from './ops/Logger.ts'
export { Metrics } from './ops/Metrics.ts'
export type { RelayLimits } from './ops/RelayLimits.ts'
export { type LiveChange, RecordService, type RecordServiceOptions } from './records/RecordService.ts'
export {
  type AppendEntry,
  type DocInfo,
  type DocStorage,
  emptyDoc,
  type StoredDoc,
} from './storage/DocStorage.ts'
export { PostgresDocStorage, type PostgresDocStorageOptions } from './storage/postgres/PostgresDocStorage.ts'
export { PostgresRecordStorage } from './storage/postgres/PostgresRecordStorage.ts'
export { PostgresVersionStorage } from './storage/postgres/PostgresVersionStorage.ts'
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
export { SqliteDocStorage, type SqliteDocStorageOptions } from './storage/sqlite/SqliteDocStorage.ts'
export { SqliteRecordStorage, type SqliteRecordStorageOptions } from './storage/sqlite/SqliteRecordStorage.ts'
export { SqliteVersionStorage, type SqliteVersionStorageOptions } from './storage/sqlite/SqliteVersionStorage.ts'
export { DEFAULT_RETENTION, type RetentionPolicy, thinVersions } from './storage/thinVersions.ts'
export type { NewVersion, VersionInfo, VersionStorage } from './storage/VersionStorage.ts'
