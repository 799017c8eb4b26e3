import type { NewVersion, VersionInfo, VersionStorage } from '../VersionStorage.ts'
import type { PostgresDocStorage } from './PostgresDocStorage.ts'
import { quoteIdent } from './postgresSchema.ts'

interface Row {
  id: string
  doc: string
  at: string
  authors: string
  size: number
  name: string | null
}

const toInfo = (r: Row): VersionInfo => ({
  id: Number(r.id),
  doc: r.doc,
  at: Number(r.at),
  authors: JSON.parse(r.authors) as string[],
  size: r.size,
  name: r.name,
})

/** Held while creating the table, so instances starting together do not race on it. */
const TABLE_LOCK = 0x74766572 // "tver"

/**
 * Document history in PostgreSQL, shared by every instance (the documents' pool and schema),
 * in its own table: log compaction never touches it. Closing leaves the pool to the documents.
 */
export class PostgresVersionStorage implements VersionStorage {
  private constructor(
    private readonly docs: PostgresDocStorage,
    private readonly now: () => number,
  ) {}

  static async open(docs: PostgresDocStorage, now: () => number = Date.now): Promise<PostgresVersionStorage> {
    const c = await docs.pool.connect()
    try {
      await c.query('BEGIN')
      await c.query('SELECT pg_advisory_xact_lock($1)', [TABLE_LOCK])
      await c.query(`SET LOCAL search_path TO ${quoteIdent(docs.schema)}`)
      await c.query(`CREATE TABLE IF NOT EXISTS tandem_doc_version (
        id bigserial PRIMARY KEY, doc text NOT NULL, at bigint NOT NULL, authors text NOT NULL,
        size integer NOT NULL, name text, data bytea NOT NULL);
        CREATE INDEX IF NOT EXISTS tandem_doc_version_by_doc ON tandem_doc_version (doc, id);`)
      await c.query('COMMIT')
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      c.release()
    }
    return new PostgresVersionStorage(docs, now)
  }

  async add(v: NewVersion): Promise<VersionInfo> {
    const authors = [...new Set(v.authors.length > 0 ? v.authors : ['anonymous'])].sort()
    const at = this.now()
    const r = await this.docs.pool.query<{ id: string }>(
      'INSERT INTO tandem_doc_version (doc, at, authors, size, name, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [v.doc, at, JSON.stringify(authors), v.state.length, v.name ?? null, Buffer.from(v.state)],
    )
    return { id: Number(r.rows[0]!.id), doc: v.doc, at, authors, size: v.state.length, name: v.name ?? null }
  }

  async list(doc: string): Promise<VersionInfo[]> {
    const r = await this.docs.pool.query<Row>(
      'SELECT id, doc, at, authors, size, name FROM tandem_doc_version WHERE doc = $1 ORDER BY id',
      [doc],
    )
    return r.rows.map(toInfo)
  }

  async state(doc: string, id: number): Promise<Uint8Array | null> {
    const r = await this.docs.pool.query<{ data: Buffer }>(
      'SELECT data FROM tandem_doc_version WHERE doc = $1 AND id = $2',
      [doc, id],
    )
    const row = r.rows[0]
    return row ? new Uint8Array(row.data) : null
  }

  async rename(doc: string, id: number, name: string): Promise<boolean> {
    const r = await this.docs.pool.query('UPDATE tandem_doc_version SET name = $1 WHERE doc = $2 AND id = $3', [
      name,
      doc,
      id,
    ])
    return (r.rowCount ?? 0) > 0
  }

  async remove(doc: string, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return
    await this.docs.pool.query('DELETE FROM tandem_doc_version WHERE doc = $1 AND id = ANY($2::bigint[])', [doc, ids])
  }

  async close(): Promise<void> {}
}
