import type Database from 'better-sqlite3'
import { type ChainLink, type ChainRow, rebuildVersion, unlink, VersionChain } from '../VersionChain.ts'
import type { NewVersion, VersionInfo, VersionStorage } from '../VersionStorage.ts'
import { migrateSqlite } from './migrateSqlite.ts'
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
  stored: number
  name: string | null
}
type StoredRow = Omit<ChainRow, 'data'> & { data: Buffer }

const toInfo = (r: Row): VersionInfo => ({ ...r, authors: JSON.parse(r.authors) as string[] })
const CHAIN = 'id, base, root, depth, encoding, data'

/**
 * Document history in its own SQLite table (doc_version, created by the migrations), untouched
 * by log compaction; versions are delta chains (VersionChain).
 */
export class SqliteVersionStorage implements VersionStorage {
  private readonly db: Database.Database
  private readonly now: () => number
  private readonly chain = new VersionChain()
  private readonly stmts

  constructor(options: SqliteVersionStorageOptions) {
    this.now = options.now ?? Date.now
    this.db = openSqliteFile(options.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('busy_timeout = 5000')
    migrateSqlite(this.db)
    const db = this.db
    this.stmts = {
      insert: db.prepare<
        [string, number, string, number, string | null, number | null, number | null, number, number, Uint8Array]
      >(
        'INSERT INTO doc_version (doc, at, authors, size, name, base, root, depth, encoding, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare<[string], Row>(
        'SELECT id, doc, at, authors, size, length(data) AS stored, name FROM doc_version WHERE doc = ? ORDER BY id',
      ),
      newest: db.prepare<[string], Pick<ChainRow, 'id' | 'root' | 'depth'>>(
        'SELECT id, root, depth FROM doc_version WHERE doc = ? ORDER BY id DESC LIMIT 1',
      ),
      one: db.prepare<[string, number], StoredRow>(`SELECT ${CHAIN} FROM doc_version WHERE doc = ? AND id = ?`),
      range: db.prepare<[string, number, number], StoredRow>(
        `SELECT ${CHAIN} FROM doc_version WHERE doc = ? AND id BETWEEN ? AND ?`,
      ),
      children: db.prepare<[string, number], StoredRow>(`SELECT ${CHAIN} FROM doc_version WHERE doc = ? AND base = ?`),
      relink: db.prepare<[number | null, number | null, number, number, Uint8Array, string, number]>(
        'UPDATE doc_version SET base = ?, root = ?, depth = ?, encoding = ?, data = ? WHERE doc = ? AND id = ?',
      ),
      rename: db.prepare<[string, string, number]>('UPDATE doc_version SET name = ? WHERE doc = ? AND id = ?'),
      remove: db.prepare<[string, number]>('DELETE FROM doc_version WHERE doc = ? AND id = ?'),
    }
  }

  async add(v: NewVersion): Promise<VersionInfo> {
    const authors = [...new Set(v.authors.length > 0 ? v.authors : ['anonymous'])].sort()
    const at = this.now()
    const row = this.stmts.newest.get(v.doc)
    const previous = row ? (this.chain.cached(v.doc, row.id) ?? this.read(v.doc, row.id)) : null
    const link = this.chain.link(v.state, row && previous ? { row, state: previous } : null)
    const r = this.stmts.insert.run(
      v.doc,
      at,
      JSON.stringify(authors),
      v.state.length,
      v.name ?? null,
      link.base,
      link.root,
      link.depth,
      link.encoding,
      link.data,
    )
    const id = Number(r.lastInsertRowid)
    this.chain.remember(v.doc, id, v.state)
    const name = v.name ?? null
    return { id, doc: v.doc, at, authors, size: v.state.length, stored: link.data.length, name }
  }

  async list(doc: string): Promise<VersionInfo[]> {
    return this.stmts.list.all(doc).map(toInfo)
  }

  async state(doc: string, id: number): Promise<Uint8Array | null> {
    return this.read(doc, id)
  }

  private read(doc: string, id: number): Uint8Array | null {
    const row = this.stmts.one.get(doc, id)
    if (!row) return null
    if (row.base === null) return rebuildVersion([row], id)
    return rebuildVersion(this.stmts.range.all(doc, row.root ?? row.base, id), id)
  }

  async rename(doc: string, id: number, name: string): Promise<boolean> {
    return this.stmts.rename.run(name, doc, id).changes > 0
  }

  async remove(doc: string, ids: readonly number[]): Promise<void> {
    this.chain.forget(doc, ids)
    this.db.transaction(() => {
      for (const id of [...ids].sort((a, b) => a - b)) {
        const removed = this.stmts.one.get(doc, id)
        if (!removed) continue
        for (const child of this.stmts.children.all(doc, id)) this.relink(doc, child.id, unlink(removed, child))
        this.stmts.remove.run(doc, id)
      }
    })()
  }

  private relink(doc: string, id: number, l: ChainLink): void {
    this.stmts.relink.run(l.base, l.root, l.depth, l.encoding, l.data, doc, id)
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
