import type Database from 'better-sqlite3'
import type { NewVersion, VersionInfo, VersionStorage } from '../VersionStorage.ts'
import { openSqliteFile } from './openSqliteFile.ts'

export interface SqliteVersionStorageOptions {
  /** Database file; may be the documents file, the table is separate. */
  file: string
  /** Injected clock, so retention tests need no sleeps. */
  now?: () => number
}

interface Row {
  id: number
  doc: string
  at: number
  authors: string
  size: number
  name: string | null
}

const toInfo = (r: Row): VersionInfo => ({ ...r, authors: JSON.parse(r.authors) as string[] })

/** Document history in its own SQLite table (doc_version), untouched by log compaction. */
export class SqliteVersionStorage implements VersionStorage {
  private readonly db: Database.Database
  private readonly now: () => number
  private readonly stmts

  constructor(options: SqliteVersionStorageOptions) {
    this.now = options.now ?? Date.now
    this.db = openSqliteFile(options.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(`CREATE TABLE IF NOT EXISTS doc_version (
      id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, at INTEGER NOT NULL,
      authors TEXT NOT NULL, size INTEGER NOT NULL, name TEXT, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_version_doc ON doc_version (doc, id);`)
    const db = this.db
    this.stmts = {
      insert: db.prepare<[string, number, string, number, string | null, Uint8Array]>(
        'INSERT INTO doc_version (doc, at, authors, size, name, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare<[string], Row>(
        'SELECT id, doc, at, authors, size, name FROM doc_version WHERE doc = ? ORDER BY id',
      ),
      state: db.prepare<[string, number], { data: Buffer }>('SELECT data FROM doc_version WHERE doc = ? AND id = ?'),
      rename: db.prepare<[string, string, number]>('UPDATE doc_version SET name = ? WHERE doc = ? AND id = ?'),
      remove: db.prepare<[string, number]>('DELETE FROM doc_version WHERE doc = ? AND id = ?'),
    }
  }

  async add(v: NewVersion): Promise<VersionInfo> {
    const authors = [...new Set(v.authors.length > 0 ? v.authors : ['anonymous'])].sort()
    const at = this.now()
    const r = this.stmts.insert.run(v.doc, at, JSON.stringify(authors), v.state.length, v.name ?? null, v.state)
    return { id: Number(r.lastInsertRowid), doc: v.doc, at, authors, size: v.state.length, name: v.name ?? null }
  }

  async list(doc: string): Promise<VersionInfo[]> {
    return this.stmts.list.all(doc).map(toInfo)
  }

  async state(doc: string, id: number): Promise<Uint8Array | null> {
    const row = this.stmts.state.get(doc, id)
    return row ? new Uint8Array(row.data) : null
  }

  async rename(doc: string, id: number, name: string): Promise<boolean> {
    return this.stmts.rename.run(name, doc, id).changes > 0
  }

  async remove(doc: string, ids: readonly number[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of ids) this.stmts.remove.run(doc, id)
    })()
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
