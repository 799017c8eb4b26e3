import { DocHandle, type User } from './DocHandle.ts'
import { type DocStore, MemoryStore } from './DocStore.ts'
import type { LockManagerLike } from './engine/EngineLink.ts'
import { WorkerTransport } from './engine/WorkerTransport.ts'
import { IndexedDbDocStore } from './IndexedDbDocStore.ts'
import { IndexedDbRecordStore } from './records/IndexedDbRecordStore.ts'
import { RecordCollection } from './records/RecordCollection.ts'
import { MemoryRecordStore, type RecordStore } from './records/RecordStore.ts'
import type { ConnectionState, SyncTransport } from './SyncTransport.ts'
import { Transport, type TransportOptions } from './Transport.ts'

export interface TandemOptions {
  /** Server base URL, e.g. ws://127.0.0.1:1234 (documents are not part of it). */
  url: string
  /**
   * Device storage: `indexeddb` (default where IndexedDB exists), `memory` (default elsewhere:
   * Node scripts, bots, tests), or any DocStore.
   */
  storage?: 'indexeddb' | 'memory' | DocStore
  /** Sync tabs of this browser over BroadcastChannel; default on with IndexedDB storage. */
  crossTab?: boolean
  /** Shown to others through presence. */
  user?: User
  /** WebSocket constructor for Node (the `ws` package); browsers have their own. */
  WebSocket?: typeof WebSocket
  /** Background failures (storage, sync); they also show in each document's status. */
  onError?: (error: Error) => void
  /** Token for the server, fetched on every connect and before the current one expires. */
  getToken?: () => string | Promise<string>
  /** Records: where to keep them (default follows `storage`), and a clock id/source for tests. */
  records?: { store?: RecordStore; nodeId?: string; wallClock?: () => number }
  /**
   * Shares one socket among every tab of the origin: returns the engine's SharedWorker, e.g.
   * `() => new SharedWorker(new URL('@tandem/client/shared-worker', import.meta.url), { type: 'module' })`
   * (or Vite's `?sharedworker` import of it). Where the browser has no SharedWorker, or it cannot
   * be started, this client keeps a socket of its own.
   */
  sharedWorker?: () => { port: MessagePort }
  /** Tuning for tests; the defaults suit production. */
  transport?: Pick<TransportOptions, 'pingMs' | 'deadAfterMs' | 'backoff'>
}

export interface Tandem {
  /** The document `name`, opened once per client however often it is asked for. */
  doc(name: string): DocHandle
  /** The record collection `name` (field-level LWW), opened once per client. */
  records(name: string): RecordCollection
  /** The one socket's state. */
  readonly connection: SyncTransport['state']
  /** The "offline switch": pause or resume the network; local work goes on either way. */
  setOnline(online: boolean): void
  /**
   * The origin's storage as the browser reports it (bytes used and allowed, and whether it is
   * persistent, i.e. never evicted under pressure); null where the browser has no StorageManager.
   */
  storageEstimate(): Promise<StorageReport | null>
  destroy(): void
}

export interface StorageReport {
  usage: number
  quota: number
  persisted: boolean
}

interface StorageManagerLike {
  estimate(): Promise<{ usage?: number; quota?: number }>
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
}

const storageManager = (): StorageManagerLike | undefined =>
  (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage

export type { ConnectionState }

/** The entry point: one per app and server. */
export function createTandem(options: TandemOptions): Tandem {
  const hasIndexedDb = typeof indexedDB !== 'undefined'
  const storage = options.storage ?? (hasIndexedDb ? 'indexeddb' : 'memory')
  const store =
    storage === 'indexeddb'
      ? new IndexedDbDocStore({ name: `tandem:${options.url}` })
      : storage === 'memory'
        ? new MemoryStore()
        : storage
  const crossTab = options.crossTab ?? storage === 'indexeddb'
  const ownSocket = () =>
    new Transport({
      url: options.url,
      WebSocket: options.WebSocket,
      onError: options.onError,
      getToken: options.getToken,
      ...options.transport,
    })
  const transport = sharedTransport(options, ownSocket) ?? ownSocket()
  const docs = new Map<string, DocHandle>()
  const collections = new Map<string, RecordCollection>()
  const recordStore =
    options.records?.store ??
    (storage === 'indexeddb'
      ? new IndexedDbRecordStore({ name: `tandem-records:${options.url}` })
      : new MemoryRecordStore())
  // A browser evicts non-persistent origins under storage pressure, unsynced edits included:
  // ask once to be kept (granted silently for installed or engaged sites, else maybe never).
  if (storage === 'indexeddb')
    storageManager()
      ?.persist?.()
      .catch(() => false)
  // Tell the others this tab is gone before it is: stock clients do the same.
  const onPageHide = () => {
    for (const d of docs.values()) d.awareness.setLocalState(null)
  }
  globalThis.addEventListener?.('pagehide', onPageHide)

  return {
    doc(name) {
      let handle = docs.get(name)
      if (!handle) {
        handle = new DocHandle(name, {
          store,
          transport,
          crossTabName: crossTab ? `tandem:${options.url}:${name}` : null,
          user: options.user,
          onError: options.onError,
          history: { url: options.url, getToken: options.getToken },
        })
        docs.set(name, handle)
      }
      return handle
    },
    records(name) {
      let collection = collections.get(name)
      if (!collection) {
        collection = new RecordCollection(name, {
          store: recordStore,
          transport,
          crossTabName: crossTab ? `tandem-records:${options.url}:${name}` : null,
          nodeId: options.records?.nodeId,
          wallClock: options.records?.wallClock,
          onError: options.onError,
        })
        collections.set(name, collection)
      }
      return collection
    },
    connection: transport.state,
    setOnline: (online) => transport.setEnabled(online),
    async storageEstimate() {
      const manager = storageManager()
      if (!manager) return null
      const [estimate, persisted] = await Promise.all([
        manager.estimate(),
        manager.persisted?.().catch(() => false) ?? Promise.resolve(false),
      ])
      return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted }
    },
    destroy() {
      globalThis.removeEventListener?.('pagehide', onPageHide)
      for (const d of docs.values()) d.destroy()
      docs.clear()
      for (const c of collections.values()) c.destroy()
      collections.clear()
      transport.destroy()
      store.close()
      recordStore.close()
    },
  }
}

/** The engine's socket when a SharedWorker is asked for and can be had; null otherwise. */
function sharedTransport(options: TandemOptions, ownSocket: () => SyncTransport): SyncTransport | null {
  const start = options.sharedWorker
  if (!start) return null
  let first: MessagePort | null
  try {
    first = start().port
  } catch (err) {
    // A browser without SharedWorker (Chrome on Android) is expected; a failing one is news.
    if (typeof SharedWorker !== 'undefined')
      options.onError?.(
        new Error(`shared worker could not start, using a socket of this tab: ${(err as Error).message}`),
      )
    return null
  }
  const { backoff, ...tuning } = options.transport ?? {}
  return new WorkerTransport({
    url: options.url,
    // Later calls start the engine again after it stopped answering.
    connect: () => {
      const port = first ?? start().port
      first = null
      return port
    },
    // A random source cannot cross to the worker; the engine's own jitter is as good.
    tuning: { ...tuning, backoff: backoff && { baseMs: backoff.baseMs, capMs: backoff.capMs } },
    getToken: options.getToken,
    onError: options.onError,
    locks: (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks,
    fallback: ownSocket,
  })
}
