import * as Y from 'yjs'
import type { DocStore, StoredUpdates, StoreKey } from './DocStore.ts'
import { IdbDatabase } from './IdbDatabase.ts'
import { done, request } from './idbRequest.ts'

/** Every document's entries; `id` is generated, and the `doc` index is on [doc, id]. */
const LOG = 'log'
/** Per document, the lowest id a live entry can have (everything below was compacted away). */
const FLOORS = 'floors'
/** Per document, the state every compaction step so far folded its entries into. */
const SNAPSHOTS = 'snapshots'
/**
 * Per [doc, writer], the highest entry key with local changes that writer has not seen acked:
 * a reload counts the stored state as pending only when there is one.
 */
const UNACKED = 'unacked'
const STORES = [LOG, FLOORS, SNAPSHOTS, UNACKED]
const VERSION = 3

/** `version` counts the steps that replaced it, so a step can tell another tab wrote one since. */
interface Snapshot {
  version: number
  update: Uint8Array
}

interface Row {
  id?: number
  doc: string
  update: Uint8Array
}

export interface IndexedDbDocStoreOptions {
  /** Database name; one per server URL keeps two servers' documents apart. */
  name: string
  /** 'strict' flushes each commit to disk; 'relaxed' (default) survives tab and browser crashes. */
  durability?: IDBTransactionDurability
  /** Injected for tests that make IndexedDB fail. */
  indexedDB?: IDBFactory
}

/**
 * Updates of all documents in one object store (generated ids, indexed by [doc, id]), so an
 * append is one small put and a load is one snapshot read plus one range read that starts past
 * what compaction deleted. Compaction is a series of small steps, each one transaction that
 * replaces the document's snapshot and deletes the entries it covers, so a tab closed at any
 * moment leaves a consistent store and the next step goes on from there. A write resolves on
 * the transaction's `complete` event: committed, not merely queued.
 */
export class IndexedDbDocStore implements DocStore {
  private readonly db: IdbDatabase
  /** Per document, the snapshot version this store last read or wrote. */
  private readonly seen = new Map<string, number>()

  constructor(private readonly options: IndexedDbDocStoreOptions) {
    this.db = new IdbDatabase(options.name, VERSION, upgrade, options.indexedDB)
  }

  /** A transaction over only the stores it names, so unrelated work is not serialized with it. */
  private async tx(mode: IDBTransactionMode, stores: string[] = STORES): Promise<IDBTransaction> {
    const db = await this.db.open()
    return db.transaction(stores, mode, { durability: this.options.durability ?? 'relaxed' })
  }

  async load(doc: string): Promise<StoredUpdates> {
    const tx = await this.tx('readonly')
    const snapshot = request(tx.objectStore(SNAPSHOTS).get(doc)) as Promise<Snapshot | undefined>
    // Start at the floor: reading from [doc, 0] would step over every entry compaction ever
    // deleted, which LevelDB keeps as tombstones for a long time (300 ms for the trace's log).
    const floor = ((await request(tx.objectStore(FLOORS).get(doc))) as number | undefined) ?? 0
    const range = IDBKeyRange.bound([doc, floor], [doc, Number.POSITIVE_INFINITY])
    const rows = (await request(tx.objectStore(LOG).index('doc').getAll(range))) as Row[]
    const markers = await request(tx.objectStore(UNACKED).count(writers(doc)))
    const base = await snapshot
    this.seen.set(doc, base?.version ?? 0)
    return {
      unacked: markers > 0,
      snapshot: base?.update ?? null,
      updates: rows.map((r) => r.update),
      keys: rows.map((r) => r.id as StoreKey),
    }
  }

  /** Documents some writer holds unacked local changes of (a background flush sends those). */
  async unackedDocs(): Promise<string[]> {
    const tx = await this.tx('readonly', [UNACKED])
    const keys = (await request(tx.objectStore(UNACKED).getAllKeys())) as [string, string][]
    return [...new Set(keys.map(([doc]) => doc))]
  }

  async append(doc: string, updates: readonly Uint8Array[], unackedBy?: string): Promise<StoreKey[]> {
    const tx = await this.tx('readwrite', unackedBy === undefined ? [LOG] : [LOG, UNACKED])
    const store = tx.objectStore(LOG)
    const keys = updates.map((update) => request(store.add({ doc, update } satisfies Row)))
    if (unackedBy !== undefined && keys.length > 0) {
      const last = await keys[keys.length - 1]!
      tx.objectStore(UNACKED).put(last, [doc, unackedBy])
    }
    await done(tx)
    return (await Promise.all(keys)) as StoreKey[]
  }

  async acked(doc: string, writer: string, othersUpTo: StoreKey): Promise<void> {
    const tx = await this.tx('readwrite', [UNACKED])
    const markers = tx.objectStore(UNACKED)
    markers.delete([doc, writer])
    const cursors = markers.openCursor(writers(doc))
    cursors.onsuccess = () => {
      const cursor = cursors.result
      if (!cursor) return
      if ((cursor.value as number) <= othersUpTo) cursor.delete()
      cursor.continue()
    }
    await done(tx)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    const tx = await this.tx('readwrite', [LOG, FLOORS, SNAPSHOTS])
    const log = tx.objectStore(LOG)
    // One delete per run of consecutive keys, not per key: Chromium opens two cursors for each
    // delete call (about 0.3 ms apiece), so a 200-entry step held the log, and the keystrokes
    // committing behind it, for 65-90 ms. A run holds only keys of this step, so it can never
    // take another document's or another tab's entry with it.
    for (const [first, last] of consecutiveRuns(keys)) log.delete(IDBKeyRange.bound(first, last))
    const snapshots = tx.objectStore(SNAPSHOTS)
    const current = (await request(snapshots.get(doc))) as Snapshot | undefined
    const version = (current?.version ?? 0) + 1
    // Another tab's step replaced the snapshot since this tab read it: that one may hold
    // entries this tab never saw, so both are kept.
    const update =
      current && current.version !== (this.seen.get(doc) ?? 0) ? Y.mergeUpdates([current.update, snapshot]) : snapshot
    snapshots.put({ version, update } satisfies Snapshot, doc)
    // Raise the floor to the first entry still live (another tab's, or one this step left for
    // the next), so loads skip what is deleted without ever hiding a live entry.
    const floors = tx.objectStore(FLOORS)
    const floor = ((await request(floors.get(doc))) as number | undefined) ?? 0
    const range = IDBKeyRange.bound([doc, floor], [doc, Number.POSITIVE_INFINITY])
    const first = await request(log.index('doc').openKeyCursor(range))
    const highest = keys.reduce((a, b) => Math.max(a, b), floor - 1)
    floors.put(first ? (first.primaryKey as number) : highest + 1, doc)
    await done(tx)
    this.seen.set(doc, version)
  }

  close(): void {
    this.db.close()
  }
}

/** `keys` as [first, last] runs of consecutive integers (in any order, duplicates allowed). */
function consecutiveRuns(keys: readonly StoreKey[]): [StoreKey, StoreKey][] {
  const sorted = [...keys].sort((a, b) => a - b)
  const runs: [StoreKey, StoreKey][] = []
  for (const key of sorted) {
    const run = runs[runs.length - 1]
    if (run && key <= run[1] + 1) run[1] = Math.max(run[1], key)
    else runs.push([key, key])
  }
  return runs
}

/** Every writer's marker of `doc`. */
const writers = (doc: string) => IDBKeyRange.bound([doc, ''], [doc, '\uffff'])

/**
 * Creates the version-3 schema. Version 2 lacked the snapshots (its compaction wrote the
 * snapshot as a log entry, which stays valid as one). Version 1 kept entries in 'updates' with
 * out-of-line keys and an index on `doc` alone, so a load could not skip compacted entries;
 * its rows move over.
 */
function upgrade(db: IDBDatabase, tx: IDBTransaction | null): void {
  db.createObjectStore(SNAPSHOTS)
  db.createObjectStore(UNACKED)
  if (db.objectStoreNames.contains(LOG)) return
  const log = db.createObjectStore(LOG, { keyPath: 'id', autoIncrement: true })
  log.createIndex('doc', ['doc', 'id'])
  db.createObjectStore(FLOORS)
  if (!tx || !db.objectStoreNames.contains('updates')) return
  tx.objectStore('updates').getAll().onsuccess = (event) => {
    for (const row of (event.target as IDBRequest<Row[]>).result) log.add({ doc: row.doc, update: row.update })
    db.deleteObjectStore('updates')
  }
}
