export {
  type ConnectionState,
  createTandem,
  type StorageReport,
  type Tandem,
  type TandemOptions,
} from './createTandem.ts'
export { DocHandle, type DocStatus, type Progress, type SyncState, type User } from './DocHandle.ts'
export { DocHistory, type DocVersion, HistoryError } from './DocHistory.ts'
export { type DocStore, MemoryStore, type StoredUpdates, type StoreKey } from './DocStore.ts'
export type { CheckInReport } from './DocSync.ts'
export { EngineHost, type EngineHostOptions } from './engine/EngineHost.ts'
export type { PortLike } from './engine/engineMessages.ts'
export { type FlushPendingOptions, type FlushReport, flushPending } from './flushPending.ts'
export { IndexedDbDocStore, type IndexedDbDocStoreOptions } from './IndexedDbDocStore.ts'
export { Observable } from './Observable.ts'
export { FROM_OTHER_TAB, FROM_SERVER, FROM_STORE } from './origins.ts'
export { IndexedDbRecordStore } from './records/IndexedDbRecordStore.ts'
export type { ChangeSource } from './records/LocalRecords.ts'
export type { RecordValues } from './records/localMutations.ts'
export type { RecordsCheckInReport } from './records/merkleCheckIn.ts'
export { RecordCollection } from './records/RecordCollection.ts'
export type { RecordConflict } from './records/RecordConflicts.ts'
export {
  type LoadedCollection,
  MemoryRecordStore,
  type PulledPage,
  type RecordStore,
  type RecordStoreBatch,
  type StoredOutboxEntry,
} from './records/RecordStore.ts'
export type { RecordsEvents, RecordsStatus, RejectedEvent } from './records/recordsEvents.ts'
export type { ChannelHandler, SyncTransport } from './SyncTransport.ts'
