import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { ChangesRead, Decide, RecordRow, RecordStorage, WriteItem, WriteOutcome } from '../RecordStorage.ts'
import { migrateSqlite } from './migrateSqlite.ts'
import { openSqliteFile } from './openSqliteFile.ts'

export interface SqliteRecordStorageOptions {
  /** Database file; usually the same file as the documents (SqliteDocStorage). */
  file: string
  synchronous?: 'normal' | 'full'
}

interface Row {
  id: string
  data: string
  digest: string
  deleted: number
  seq: number
}

const toRow = (r: Row): RecordRow => ({
  id: r.id,
  data: r.data,
  digest: r.digest,
  deleted: r.deleted === 1,
  seq: r.seq,
})

/**
 * Records in SQLite, in the documents' file (its own connection; WAL lets both work). Writes
 * run in BEGIN IMMEDIATE transactions: the head is read and bumped under the write lock, so
 * even several processes on one file hand out sequence numbers in commit order.
 */
export class SqliteRecordStorage implements RecordStorage {
  private readonly db: Database.Database
  private readonly s

  constructor(options: SqliteRecordStorageOptions) {
    const db = openSqliteFile(options.file)
    this.db = db
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('busy_timeout = 5000')
    migrateSqlite(db)
    this.s = {
      meta: db.prepare<[string], { value: string }>('SELECT value FROM record_meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT OR IGNORE INTO record_meta (key, value) VALUES (?, ?)'),
      coll: db.prepare<[string], { head: number; purged: number }>(
        'SELECT head, purged FROM record_collection WHERE collection = ?',
      ),
      setHead: db.prepare<[string, number]>(
        `INSERT INTO record_collection (collection, head, purged) VALUES (?, ?, 0)
         ON CONFLICT(collection) DO UPDATE SET head = excluded.head`,
      ),
      row: db.prepare<[string, string], Row>(
        'SELECT id, data, digest, deleted, seq FROM record WHERE collection = ? AND id = ?',
      ),
      upsert: db.prepare<[string, string, string, string, number, number, number]>(
        `INSERT INTO record (collection, id, data, digest, deleted, seq, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(collection, id) DO UPDATE SET data = excluded.data, digest = excluded.digest,
           deleted = excluded.deleted, seq = excluded.seq, changed_at = excluded.changed_at`,
      ),
      seen: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM record_mutation WHERE collection = ? AND id = ?',
      ),
      remember: db.prepare<[string, string, number]>(
        'INSERT INTO record_mutation (collection, id, at) VALUES (?, ?, ?)',
      ),
      since: db.prepare<[string, number, number], Row>(
        'SELECT id, data, digest, deleted, seq FROM record WHERE collection = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      digests: db.prepare<[string], { id: string; digest: string }>(
        'SELECT id, digest FROM record WHERE collection = ? AND deleted = 0',
      ),
      purgedBy: db.prepare<[number], { collection: string; seq: number }>(
        'SELECT collection, max(seq) AS seq FROM record WHERE deleted = 1 AND changed_at < ? GROUP BY collection',
      ),
      raisePurged: db.prepare<[number, string]>(
        'UPDATE record_collection SET purged = max(purged, ?) WHERE collection = ?',
      ),
      deleteTombstones: db.prepare<[number]>('DELETE FROM record WHERE deleted = 1 AND changed_at < ?'),
      deleteMutations: db.prepare<[number]>('DELETE FROM record_mutation WHERE at < ?'),
    }
    // First open of this file picks the epoch; later opens (and other processes) read it.
    this.s.setMeta.run('epoch', randomBytes(9).toString('base64url'))
  }

  async epoch(): Promise<string> {
    return this.s.meta.get('epoch')!.value
  }

  async write(collection: string, items: readonly WriteItem[], decide: Decide): Promise<WriteOutcome[]> {
    const run = this.db.transaction((): WriteOutcome[] => {
      let head = this.s.coll.get(collection)?.head ?? 0
      const now = Date.now()
      const outcomes = items.map((item, index): WriteOutcome => {
        if (this.s.seen.get(collection, item.mutationId)) return { status: 'duplicate' }
        const found = this.s.row.get(collection, item.recordId)
        const decision = decide(found ? toRow(found) : undefined, index)
        if (decision.kind === 'reject') return { status: 'rejected' }
        this.s.remember.run(collection, item.mutationId, now)
        if (decision.kind === 'keep') return { status: 'kept' }
        const { data, digest, deleted } = decision.row
        head++
        this.s.upsert.run(collection, item.recordId, data, digest, deleted ? 1 : 0, head, now)
        return { status: 'written', row: { id: item.recordId, data, digest, deleted, seq: head } }
      })
      this.s.setHead.run(collection, head)
      return outcomes
    })
    return run.immediate()
  }

  async changes(collection: string, since: number, limit: number): Promise<ChangesRead> {
    return this.db.transaction((): ChangesRead => {
      const rows = this.s.since.all(collection, since, limit + 1).map(toRow)
      const more = rows.length > limit
      if (more) rows.pop()
      const c = this.s.coll.get(collection)
      return { rows, more, head: c?.head ?? 0, purged: c?.purged ?? 0 }
    })()
  }

  async get(collection: string, ids: readonly string[]): Promise<RecordRow[]> {
    const rows: RecordRow[] = []
    for (const id of ids) {
      const r = this.s.row.get(collection, id)
      if (r) rows.push(toRow(r))
    }
    return rows
  }

  async digests(collection: string): Promise<{ id: string; digest: string }[]> {
    return this.s.digests.all(collection)
  }

  async purge(before: number): Promise<{ tombstones: number; mutations: number }> {
    return this.db
      .transaction(() => {
        for (const { collection, seq } of this.s.purgedBy.all(before)) this.s.raisePurged.run(seq, collection)
        const tombstones = this.s.deleteTombstones.run(before).changes
        const mutations = this.s.deleteMutations.run(before).changes
        return { tombstones, mutations }
      })
      .immediate()
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
