import type { DocHandle, DocStatus, RecordCollection, RecordsStatus, RecordValues } from '@tandem/client'
import { type DerivedStore, derivedStore, type ExternalStore } from './ExternalStore.ts'

/** What a document looks like before it is loaded, and always during server rendering. */
export const SERVER_DOC_STATUS: DocStatus = Object.freeze({
  state: 'offline',
  pending: 0,
  lastError: null,
  loaded: false,
}) as DocStatus

export const SERVER_RECORDS_STATUS: RecordsStatus = Object.freeze({
  state: 'offline',
  pending: 0,
  inFlight: 0,
  failures: 0,
  leader: true,
  lastError: null,
})

/** One presence entry: another client's id and its state (name, colour, cursor...). */
export interface PeerPresence {
  clientId: number
  state: Record<string, unknown>
}

export interface PresenceSnapshot {
  /** Everyone else on the document who has a state, in client-id order. */
  others: readonly PeerPresence[]
  /** This client's own state, or null. */
  me: Record<string, unknown> | null
}

const SERVER_PRESENCE: PresenceSnapshot = Object.freeze({ others: Object.freeze([]), me: null })
const NO_RECORDS: readonly { id: string; values: RecordValues }[] = Object.freeze([])

// One store per handle or collection, shared by every component that reads it.
const statusStores = new WeakMap<DocHandle, ExternalStore<DocStatus>>()
const presenceStores = new WeakMap<DocHandle, ExternalStore<PresenceSnapshot>>()
const recordsStatusStores = new WeakMap<RecordCollection, ExternalStore<RecordsStatus>>()
const recordsStores = new WeakMap<RecordCollection, ExternalStore<readonly { id: string; values: RecordValues }[]>>()
const recordStores = new WeakMap<RecordCollection, Map<string, DerivedStore<RecordValues | undefined>>>()

function cached<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key)
  if (!v) {
    v = make()
    map.set(key, v)
  }
  return v
}

/** A document's status (state, pending, loaded, lastError). */
export function docStatusStore(handle: DocHandle): ExternalStore<DocStatus> {
  return cached(statusStores, handle, () => ({
    subscribe: (onChange) => handle.status.subscribe(onChange),
    getSnapshot: () => handle.status.value,
    getServerSnapshot: () => SERVER_DOC_STATUS,
  }))
}

/** Who else is on a document, and this client's own presence state. */
export function presenceStore(handle: DocHandle): ExternalStore<PresenceSnapshot> {
  return cached(presenceStores, handle, () => {
    const derived = derivedStore(() => {
      const self = handle.awareness.clientID
      const others: PeerPresence[] = []
      for (const [clientId, state] of handle.awareness.getStates()) {
        if (clientId !== self && state && Object.keys(state).length > 0) others.push({ clientId, state })
      }
      others.sort((a, b) => a.clientId - b.clientId)
      return { others, me: handle.awareness.getLocalState() }
    }, SERVER_PRESENCE)
    // 'change', not 'update': a peer's keep-alive renews its state without changing it.
    handle.awareness.on('change', derived.changed)
    return derived.store
  })
}

/** A collection's sync status (state, pending, inFlight, failures, leader, lastError). */
export function recordsStatusStore(collection: RecordCollection): ExternalStore<RecordsStatus> {
  return cached(recordsStatusStores, collection, () => ({
    subscribe: (onChange) => collection.status.subscribe(onChange),
    getSnapshot: () => collection.status.value,
    getServerSnapshot: () => SERVER_RECORDS_STATUS,
  }))
}

type Listing = readonly { id: string; values: RecordValues }[]

/** Every live record of a collection, sorted by id; a new array only after a change. */
export function recordsStore(collection: RecordCollection): ExternalStore<Listing> {
  return cached(recordsStores, collection, () => {
    const derived = derivedStore<Listing>(() => collection.all(), NO_RECORDS)
    collection.subscribe(derived.changed)
    return derived.store
  })
}

/** One record's values (undefined while absent or deleted); a new object only after it changed. */
export function recordStore(collection: RecordCollection, id: string): ExternalStore<RecordValues | undefined> {
  const byId = cached(recordStores, collection, () => {
    const map = new Map<string, DerivedStore<RecordValues | undefined>>()
    // One listener per collection, not per record: a change wakes only the records it names.
    collection.subscribe(({ ids }) => {
      for (const changedId of ids) map.get(changedId)?.changed()
    })
    return map
  })
  let derived = byId.get(id)
  if (!derived) {
    derived = derivedStore(() => collection.get(id), undefined)
    byId.set(id, derived)
  }
  return derived.store
}
