import type Database from 'better-sqlite3'
import type { AppendEntry, DocInfo, DocStorage, StoredDoc } from '../DocStorage.ts'
import { migrateSqlite } from './migrateSqlite.ts'
import { openSqliteFile } from './openSqliteFile.ts'

export interface SqliteDocStorageOptions {
  /** Database file; its folder is created if missing. */
  file: string
  /**
   * `normal` (default) survives any crash of the process, `kill -9` included: in WAL mode a
   * commit is in the OS before it returns. `full` also fsyncs every commit, to survive power
   * loss, at the price of a disk flush per group commit.
   */
  synchronous?: 'normal' | 'full'
}

/**
 * The default storage: one SQLite file in WAL mode. better-sqlite3 is synchronous, which
 * suits group commit: a batch commits in one short transaction without yielding, so no other
 * writer can interleave.
 */
export class SqliteDocStorage implements DocStorage {
  private readonly db: Database.Database
  private readonly stmts
  private readonly appendAll: (entries: readonly AppendEntry[]) => void

  constructor(options: SqliteDocStorageOptions) {
    this.db = openSqliteFile(options.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    this.db.pragma('busy_timeout = 5000')
    this.migrate()
    const db = this.db
    this.stmts = {
      snapshot: db.prepare<[string], { data: Buffer; head: number }>(
        'SELECT data, head FROM doc_snapshot WHERE doc = ?',
      ),
      log: db.prepare<[string], { id: number; data: Buffer }>('SELECT id, data FROM doc_log WHERE doc = ? ORDER BY id'),
      insert: db.prepare<[string, Uint8Array, number]>('INSERT INTO doc_log (doc, data, at) VALUES (?, ?, ?)'),
      upsertSnapshot: db.prepare<[string, Uint8Array, string, number, number]>(
        `INSERT INTO doc_snapshot (doc, data, updated_at, head)
         VALUES (?, ?, coalesce((SELECT max(at) FROM doc_log WHERE doc = ? AND id <= ?), 0), ?)
         ON CONFLICT(doc) DO UPDATE SET data = excluded.data, head = excluded.head,
           updated_at = max(updated_at, excluded.updated_at)
         WHERE doc_snapshot.head <= excluded.head`,
      ),
      tombstone: db.prepare<[string], { deleted_at: number }>('SELECT deleted_at FROM doc_tombstone WHERE doc = ?'),
      addTombstone: db.prepare<[string, number]>(
        'INSERT INTO doc_tombstone (doc, deleted_at) VALUES (?, ?) ON CONFLICT(doc) DO UPDATE SET deleted_at = excluded.deleted_at',
      ),
      removeTombstone: db.prepare<[string]>('DELETE FROM doc_tombstone WHERE doc = ?'),
      describe: db.prepare<
        [],
        { name: string; bytes: number; updates: number; updatedAt: number; deletedAt: number | null }
      >(
        `SELECT name, sum(bytes) AS bytes, sum(updates) AS updates, max(at) AS updatedAt, max(deleted) AS deletedAt FROM (
           SELECT doc AS name, length(data) AS bytes, 0 AS updates, updated_at AS at, NULL AS deleted FROM doc_snapshot
           UNION ALL SELECT doc, length(data), 1, at, NULL FROM doc_log
           UNION ALL SELECT doc, 0, 0, deleted_at, deleted_at FROM doc_tombstone
         ) GROUP BY name ORDER BY name`,
      ),
      trimLog: db.prepare<[string, number]>('DELETE FROM doc_log WHERE doc = ? AND id <= ?'),
      removeSnapshot: db.prepare<[string]>('DELETE FROM doc_snapshot WHERE doc = ?'),
      removeLog: db.prepare<[string]>('DELETE FROM doc_log WHERE doc = ?'),
      list: db.prepare<[], { doc: string }>('SELECT doc FROM doc_snapshot UNION SELECT DISTINCT doc FROM doc_log'),
    }
    this.appendAll = db.transaction((entries: readonly AppendEntry[]) => {
      const now = Date.now()
      for (const e of entries) this.stmts.insert.run(e.doc, e.update, now)
    })
  }

  // Shared with the records tables (same file), so the versions are kept in one place.
  private migrate(): void {
    migrateSqlite(this.db)
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async load(doc: string): Promise<StoredDoc> {
    return this.db.transaction(() => {
      const snap = this.stmts.snapshot.get(doc)
      const snapshot = snap?.data ?? null
      const rows = this.stmts.log.all(doc)
      let logBytes = 0
      const updates = rows.map((r) => {
        logBytes += r.data.length
        return r.data as Uint8Array
      })
      const deletedAt = this.stmts.tombstone.get(doc)?.deleted_at
      const head = Math.max(rows.at(-1)?.id ?? 0, snap?.head ?? 0)
      return { snapshot, updates, head, logBytes, ...(deletedAt ? { deletedAt } : {}) }
    })()
  }

  async append(entries: readonly AppendEntry[]): Promise<void> {
    if (entries.length > 0) this.appendAll(entries)
  }

  async compact(doc: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.upsertSnapshot.run(doc, snapshot, doc, upTo, upTo)
      this.stmts.trimLog.run(doc, upTo)
    })()
  }

  async remove(doc: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.removeSnapshot.run(doc)
      this.stmts.removeLog.run(doc)
      this.stmts.addTombstone.run(doc, Date.now())
    })()
  }

  async restore(doc: string): Promise<void> {
    this.stmts.removeTombstone.run(doc)
  }

  async describe(): Promise<DocInfo[]> {
    return this.stmts.describe.all().map(({ deletedAt, ...info }) => ({ ...info, ...(deletedAt ? { deletedAt } : {}) }))
  }

  async list(): Promise<string[]> {
    return this.stmts.list.all().map((r) => r.doc)
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
