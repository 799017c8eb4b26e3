import type { RecordCollection, RecordsStatus, RecordValues, RejectedEvent } from '@tandem/client'
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { recordStore, recordsStatusStore, recordsStore, SERVER_RECORDS_STATUS } from './stores.ts'
import { useTandem } from './TandemProvider.ts'

export interface RecordMutations {
  /** Creates or replaces the named fields (and undeletes). Shown at once; sent when online. */
  put(id: string, fields: RecordValues): Promise<void>
  /** Writes only the named fields. */
  update(id: string, fields: RecordValues): Promise<void>
  remove(id: string): Promise<void>
}

export interface UseRecordsOptions {
  /** Called when the server refuses one of this client's writes; the value is already rolled back. */
  onRejected?: (event: RejectedEvent) => void
}

export interface UseRecords extends RecordMutations {
  /** Live records sorted by id; the same array until something changes. */
  records: readonly { id: string; values: RecordValues }[]
  status: RecordsStatus
  /** The last refused write of this collection (rolled back), or null. */
  lastRejected: RejectedEvent | null
  /** The collection itself (null without a client): conflicts, checkIn(), record stamps. */
  collection: RecordCollection | null
}

const noStore = <T>(value: T) => ({
  subscribe: () => () => {},
  getSnapshot: () => value,
  getServerSnapshot: () => value,
})
const NO_RECORDS = noStore<readonly { id: string; values: RecordValues }[]>(Object.freeze([]))
const NO_STATUS = noStore(SERVER_RECORDS_STATUS)
const NO_RECORD = noStore<RecordValues | undefined>(undefined)
const offline = () => Promise.reject(new Error('no Tandem client: wrap the app in <TandemProvider client={...}>'))

/** The collection `name`, opened once per client (idempotent, like useDocHandle). */
export function useCollection(name: string): RecordCollection | null {
  const tandem = useTandem()
  return useMemo(() => tandem?.records(name) ?? null, [tandem, name])
}

function useMutations(collection: RecordCollection | null): RecordMutations {
  return useMemo(
    () =>
      collection
        ? {
            put: (id, fields) => collection.put(id, fields),
            update: (id, fields) => collection.update(id, fields),
            remove: (id) => collection.delete(id),
          }
        : { put: offline, update: offline, remove: offline },
    [collection],
  )
}

/** Rejections of this collection (only those of record `id` if given) as state plus a callback. */
function useRejections(
  collection: RecordCollection | null,
  id: string | undefined,
  onRejected: ((event: RejectedEvent) => void) | undefined,
): RejectedEvent | null {
  const [last, setLast] = useState<RejectedEvent | null>(null)
  const callback = useRef(onRejected)
  callback.current = onRejected
  useEffect(() => {
    if (!collection) return
    return collection.on('rejected', (event) => {
      if (id !== undefined && event.recordId !== id) return
      setLast(event)
      callback.current?.(event)
    })
  }, [collection, id])
  return last
}

/** Every record of collection `name`, its status, mutations and rollback events. */
export function useRecords(name: string, options: UseRecordsOptions = {}): UseRecords {
  const collection = useCollection(name)
  const list = collection ? recordsStore(collection) : NO_RECORDS
  const statusStore = collection ? recordsStatusStore(collection) : NO_STATUS
  const records = useSyncExternalStore(list.subscribe, list.getSnapshot, list.getServerSnapshot)
  const status = useSyncExternalStore(statusStore.subscribe, statusStore.getSnapshot, statusStore.getServerSnapshot)
  const lastRejected = useRejections(collection, undefined, options.onRejected)
  return { records, status, lastRejected, collection, ...useMutations(collection) }
}

export interface UseRecord {
  /** The record's values; undefined while it does not exist (or is deleted). */
  value: RecordValues | undefined
  put(fields: RecordValues): Promise<void>
  update(fields: RecordValues): Promise<void>
  remove(): Promise<void>
  /** The last refused write of this record (rolled back), or null. */
  lastRejected: RejectedEvent | null
}

/** One record of collection `name`, re-rendering only when that record changes. */
export function useRecord(name: string, id: string, options: UseRecordsOptions = {}): UseRecord {
  const collection = useCollection(name)
  const store = collection ? recordStore(collection, id) : NO_RECORD
  const value = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
  const lastRejected = useRejections(collection, id, options.onRejected)
  const m = useMutations(collection)
  return {
    value,
    lastRejected,
    put: (fields) => m.put(id, fields),
    update: (fields) => m.update(id, fields),
    remove: () => m.remove(id),
  }
}
