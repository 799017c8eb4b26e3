export { type DerivedStore, derivedStore, type ExternalStore } from './ExternalStore.ts'
export {
  docStatusStore,
  type PeerPresence,
  type PresenceSnapshot,
  presenceStore,
  recordStore,
  recordsStatusStore,
  recordsStore,
  SERVER_DOC_STATUS,
  SERVER_RECORDS_STATUS,
} from './stores.ts'
export { TandemProvider, type TandemProviderProps, useTandem } from './TandemProvider.ts'
export { type UseDoc, useDoc, useDocHandle, useDocStatus } from './useDoc.ts'
export { type UsePresence, usePresence } from './usePresence.ts'
export {
  type RecordMutations,
  type UseRecord,
  type UseRecords,
  type UseRecordsOptions,
  useCollection,
  useRecord,
  useRecords,
} from './useRecords.ts'
