import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrateSqlite } from './migrateSqlite.ts'
import type { AppendEntry, StorageAdapter, StoredDoc } from './StorageAdapter.ts'

export interface SqliteStorageOptions {
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
export class SqliteStorage implements StorageAdapter {
  private readonly db: Database.Database
  private readonly stmts
  private readonly appendAll: (entries: readonly AppendEntry[]) => void

  constructor(options: SqliteStorageOptions) {
    mkdirSync(dirname(options.file), { recursive: true })
    this.db = new Database(options.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    this.db.pragma('busy_timeout = 5000')
    this.migrate()
    const db = this.db
    this.stmts = {
      snapshot: db.prepare<[string], { data: Buffer }>('SELECT data FROM doc_snapshot WHERE doc = ?'),
      log: db.prepare<[string], { id: number; data: Buffer }>('SELECT id, data FROM doc_log WHERE doc = ? ORDER BY id'),
      insert: db.prepare<[string, Uint8Array]>('INSERT INTO doc_log (doc, data) VALUES (?, ?)'),
      upsertSnapshot: db.prepare<[string, Uint8Array]>(
        'INSERT INTO doc_snapshot (doc, data) VALUES (?, ?) ON CONFLICT(doc) DO UPDATE SET data = excluded.data',
      ),
      trimLog: db.prepare<[string, number]>('DELETE FROM doc_log WHERE doc = ? AND id <= ?'),
      removeSnapshot: db.prepare<[string]>('DELETE FROM doc_snapshot WHERE doc = ?'),
      removeLog: db.prepare<[string]>('DELETE FROM doc_log WHERE doc = ?'),
      list: db.prepare<[], { doc: string }>('SELECT doc FROM doc_snapshot UNION SELECT DISTINCT doc FROM doc_log'),
    }
    this.appendAll = db.transaction((entries: readonly AppendEntry[]) => {
      for (const e of entries) this.stmts.insert.run(e.doc, e.update)
    })
  }

  // Shared with the records tables (same file), so the versions are kept in one place.
  private migrate(): void {
    migrateSqlite(this.db)
  }

  async load(doc: string): Promise<StoredDoc> {
    return this.db.transaction(() => {
      const snapshot = this.stmts.snapshot.get(doc)?.data ?? null
      const rows = this.stmts.log.all(doc)
      let logBytes = 0
      const updates = rows.map((r) => {
        logBytes += r.data.length
        return r.data as Uint8Array
      })
      return { snapshot, updates, head: rows.at(-1)?.id ?? 0, logBytes }
    })()
  }

  async append(entries: readonly AppendEntry[]): Promise<void> {
    if (entries.length > 0) this.appendAll(entries)
  }

  async compact(doc: string, snapshot: Uint8Array, upTo: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.upsertSnapshot.run(doc, snapshot)
      this.stmts.trimLog.run(doc, upTo)
    })()
  }

  async remove(doc: string): Promise<void> {
    this.db.transaction(() => {
      this.stmts.removeSnapshot.run(doc)
      this.stmts.removeLog.run(doc)
    })()
  }

  async list(): Promise<string[]> {
    return this.stmts.list.all().map((r) => r.doc)
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
