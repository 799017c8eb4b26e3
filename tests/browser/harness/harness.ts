// The page the browser tests drive: one Tandem client per page, exposed as window.tandemHarness.
// Every status change and every local edit is recorded with the status and progress seen at
// that instant, so the Node side can check invariants over the whole history afterwards.
import {
  createTandem,
  type DocHandle,
  type DocStatus,
  IndexedDbDocStore,
  type Progress,
  type Tandem,
} from '@tandem/client'
import { breakIndexedDb, repairIndexedDb } from './breakIndexedDb.ts'
import { GatedStore } from './GatedStore.ts'
import { compactionFloor, interleavedCompaction, snapshotsOfTwoTabs, upgradeFromV1 } from './storeChecks.ts'

export interface StatusSample {
  /** 'status' for a status emission, 'edit' right after a local edit was handled. */
  on: 'status' | 'edit'
  state: DocStatus['state']
  pending: number
  error: string | null
  progress: Progress
  text: string
  t: number
}

export interface OpenOptions {
  doc: string
  /** Relay URL; default the page's `?relay=` parameter, else this origin. */
  url?: string
  user?: { name: string; color: string }
}

const query = new URLSearchParams(location.search)
const relayFromQuery = query.get('relay')
/**
 * `?plant=saved-before-ack` builds the page with a planted bug: its status forgets the
 * server's ack and says saved once an edit is on the device. The fixtures must catch it.
 */
const plant = query.get('plant')
/** `?engine=shared`: the socket lives in the SharedWorker engine (/engine.js), shared by tabs. */
const sharedEngine = query.get('engine') === 'shared'
const defaultUrl = relayFromQuery ?? location.origin.replace(/^http/, 'ws')

let tandem: Tandem | null = null
let handle: DocHandle | null = null
let store: GatedStore | null = null
let dbName = ''
let compactionsWhenLoaded = -1
const samples: StatusSample[] = []
const errors: string[] = []

function current(): DocHandle {
  if (!handle) throw new Error('call open() first')
  return handle
}

/** Off during a burst: a sample per edit would copy the whole text each time. */
let sampling = true

function sample(on: StatusSample['on']): void {
  if (!sampling) return
  const h = current()
  const s = h.status.value
  const text = h.doc.getText('t').toString()
  samples.push({
    on,
    state: s.state,
    pending: s.pending,
    error: s.lastError?.message ?? null,
    progress: h.progress(),
    text,
    t: Date.now(),
  })
}

const harness = {
  defaultUrl,
  /** Opens the document and resolves once its stored state is loaded. */
  async open(options: OpenOptions): Promise<string> {
    const url = options.url ?? defaultUrl
    dbName = `tandem:${url}`
    store = new GatedStore(new IndexedDbDocStore({ name: dbName }))
    tandem = createTandem({
      url,
      storage: store,
      crossTab: true,
      user: options.user,
      onError: (e) => errors.push(e.message),
      transport: { backoff: { baseMs: 100, capMs: 1_000 } },
      sharedWorker: sharedEngine ? () => new SharedWorker('/engine.js', { type: 'module', name: 'tandem' }) : undefined,
    })
    handle = tandem.doc(options.doc)
    handle.status.subscribe(() => sample('status'))
    // Registered after the handle's own listener: sees the status the edit produced.
    handle.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (typeof origin !== 'symbol') sample('edit')
    })
    await handle.whenLoaded()
    compactionsWhenLoaded = store.compactions
    return handle.doc.getText('t').toString()
  },
  /**
   * What the last open read, and the compaction steps it ran before it resolved (an open
   * that waits for a compaction is unbounded: the log may be any length).
   */
  openStats: () => ({ ...(store?.loads.at(-1) ?? { entries: -1, snapshot: false }), compactionsWhenLoaded }),
  /** Compaction steps started so far in this tab. */
  compactions: (): number => store?.compactions ?? 0,
  /**
   * A burst of `edits` one-character appends, each its own transaction, `perTask` per task
   * (a fast typist or a script); resolves after the last one, without waiting for the store.
   */
  async burst(edits: number, perTask: number): Promise<void> {
    const h = current()
    const t = h.doc.getText('t')
    sampling = false
    const channel = new MessageChannel()
    const nextTask = () =>
      new Promise<void>((resolve) => {
        channel.port1.onmessage = () => resolve()
        channel.port2.postMessage(null)
      })
    for (let i = 0; i < edits; i++) {
      h.doc.transact(() => t.insert(t.length, String.fromCharCode(97 + (i % 26))))
      if ((i + 1) % perTask === 0) await nextTask()
    }
    channel.port1.close()
  },
  insert(index: number, text: string): void {
    current().doc.getText('t').insert(index, text)
  },
  append(text: string): void {
    const t = current().doc.getText('t')
    t.insert(t.length, text)
  },
  text: (): string => current().doc.getText('t').toString(),
  status: () => {
    const h = current()
    const s = h.status.value
    const honest = {
      state: s.state,
      pending: s.pending,
      error: s.lastError?.message ?? null,
      loaded: s.loaded,
      device: s.device,
    }
    if (plant !== 'saved-before-ack') return honest
    const { last, stored } = h.progress()
    return { ...honest, state: stored === last ? 'saved' : 'syncing', pending: last - stored }
  },
  progress: (): Progress => current().progress(),
  samples: (): StatusSample[] => samples,
  errors: (): string[] => errors,
  connection: (): string => tandem?.connection.value ?? 'none',
  /** Names of the users present on this document, this tab included. */
  users: (): string[] =>
    [...current().awareness.getStates().values()]
      .map((s) => (s as { user?: { name: string } }).user?.name)
      .filter((n): n is string => typeof n === 'string')
      .sort(),
  setOnline: (online: boolean): void => tandem?.setOnline(online),
  /** Every device write fails with QuotaExceededError until freeStorage(). */
  fillStorage: (): void => {
    if (store) store.full = true
  },
  freeStorage: (): void => {
    if (store) store.full = false
  },
  /** Holds IndexedDB commits back until releaseStore(): edits stay in memory only. */
  holdStore: (): void => store?.hold(),
  releaseStore: (): void => store?.release(),
  storedAppends: (): number => store?.appended ?? 0,
  /** Real IndexedDB failure: another connection upgrades the database under the client. */
  breakIndexedDb: (): Promise<void> => breakIndexedDb(dbName),
  repairIndexedDb: (): Promise<void> => repairIndexedDb(dbName),
  storeChecks: { upgradeFromV1, compactionFloor, snapshotsOfTwoTabs, interleavedCompaction },
  destroy(): void {
    tandem?.destroy()
    tandem = handle = store = null
  },
}

export type TandemHarness = typeof harness

declare global {
  interface Window {
    tandemHarness: TandemHarness
  }
}

window.tandemHarness = harness
// What @tandem/testing's default status reader looks for in an app.
;(window as { tandemStatus?: () => { state: string; pending: number } }).tandemStatus = () => harness.status()
