import type pg from 'pg'
import { type ChainLink, type ChainRow, rebuildVersion, unlink, VersionChain } from '../VersionChain.ts'
import type { NewVersion, VersionInfo, VersionStorage } from '../VersionStorage.ts'
import { inTransaction } from './inTransaction.ts'
import type { PostgresDocStorage } from './PostgresDocStorage.ts'

interface Row {
  id: string
  doc: string
  at: string
  authors: string
  size: number
  stored: number
  name: string | null
}
interface StoredRow {
  id: string
  base: string | null
  root: string | null
  depth: number
  encoding: number
  data: Buffer
}

const toInfo = (r: Row): VersionInfo => ({
  id: Number(r.id),
  doc: r.doc,
  at: Number(r.at),
  authors: JSON.parse(r.authors) as string[],
  size: r.size,
  stored: r.stored,
  name: r.name,
})
const num = (v: string | null) => (v === null ? null : Number(v))
const toChain = (r: StoredRow): ChainRow => ({
  id: Number(r.id),
  base: num(r.base),
  root: num(r.root),
  depth: r.depth,
  encoding: r.encoding,
  data: new Uint8Array(r.data),
})
const CHAIN = 'id, base, root, depth, encoding, data'

/** Serialises adding and removing versions of one document across instances (beside "tand"'s lock space). */
const lockDoc = (c: pg.PoolClient, doc: string) =>
  c.query("SELECT pg_advisory_xact_lock(hashtext('tandem_doc_version:' || $1))", [doc])

/**
 * Document history in PostgreSQL, shared by every instance (the documents' pool and schema),
 * in its own table (created by the migrations): log compaction never touches it. Versions are
 * delta chains (VersionChain); a version's delta names its base, so two instances adding to
 * one document never corrupt each other's chains. Closing leaves the pool to the documents.
 */
export class PostgresVersionStorage implements VersionStorage {
  private readonly chain = new VersionChain()

  private constructor(
    private readonly docs: PostgresDocStorage,
    private readonly now: () => number,
  ) {}

  static async open(docs: PostgresDocStorage, now: () => number = Date.now): Promise<PostgresVersionStorage> {
    return new PostgresVersionStorage(docs, now)
  }

  /** A write transaction holding the document's lock: adds and removals of one document are serial. */
  private tx<T>(doc: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.docs.pool, '', async (c) => {
      await lockDoc(c, doc)
      return fn(c)
    })
  }

  async add(v: NewVersion): Promise<VersionInfo> {
    const authors = [...new Set(v.authors.length > 0 ? v.authors : ['anonymous'])].sort()
    const at = this.now()
    const name = v.name ?? null
    return this.tx(v.doc, async (c) => {
      const newest = await c.query<{ id: string; root: string | null; depth: number }>(
        'SELECT id, root, depth FROM tandem_doc_version WHERE doc = $1 ORDER BY id DESC LIMIT 1',
        [v.doc],
      )
      const top = newest.rows[0]
      const row = top ? { id: Number(top.id), root: num(top.root), depth: top.depth } : null
      const previous = row ? (this.chain.cached(v.doc, row.id) ?? (await this.read(c, v.doc, row.id))) : null
      const link = this.chain.link(v.state, row && previous ? { row, state: previous } : null)
      const r = await c.query<{ id: string }>(
        `INSERT INTO tandem_doc_version (doc, at, authors, size, name, base, root, depth, encoding, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          v.doc,
          at,
          JSON.stringify(authors),
          v.state.length,
          name,
          link.base,
          link.root,
          link.depth,
          link.encoding,
          Buffer.from(link.data),
        ],
      )
      const id = Number(r.rows[0]!.id)
      this.chain.remember(v.doc, id, v.state)
      return { id, doc: v.doc, at, authors, size: v.state.length, stored: link.data.length, name }
    })
  }

  async list(doc: string): Promise<VersionInfo[]> {
    const r = await this.docs.pool.query<Row>(
      `SELECT id, doc, at, authors, size, octet_length(data) AS stored, name
       FROM tandem_doc_version WHERE doc = $1 ORDER BY id`,
      [doc],
    )
    return r.rows.map(toInfo)
  }

  async state(doc: string, id: number): Promise<Uint8Array | null> {
    // One snapshot for both reads, so a retention pass in between cannot tear the chain.
    return inTransaction(this.docs.pool, 'ISOLATION LEVEL REPEATABLE READ READ ONLY', (c) => this.read(c, doc, id))
  }

  private async read(c: pg.PoolClient, doc: string, id: number): Promise<Uint8Array | null> {
    const one = await c.query<StoredRow>(`SELECT ${CHAIN} FROM tandem_doc_version WHERE doc = $1 AND id = $2`, [
      doc,
      id,
    ])
    const row = one.rows[0]
    if (!row) return null
    if (row.base === null) return rebuildVersion([toChain(row)], id)
    const range = await c.query<StoredRow>(
      `SELECT ${CHAIN} FROM tandem_doc_version WHERE doc = $1 AND id BETWEEN $2 AND $3`,
      [doc, row.root ?? row.base, id],
    )
    return rebuildVersion(range.rows.map(toChain), id)
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
    this.chain.forget(doc, ids)
    await this.tx(doc, async (c) => {
      for (const id of [...ids].sort((a, b) => a - b)) {
        const one = await c.query<StoredRow>(`SELECT ${CHAIN} FROM tandem_doc_version WHERE doc = $1 AND id = $2`, [
          doc,
          id,
        ])
        if (!one.rows[0]) continue
        const removed = toChain(one.rows[0])
        const children = await c.query<StoredRow>(
          `SELECT ${CHAIN} FROM tandem_doc_version WHERE doc = $1 AND base = $2`,
          [doc, id],
        )
        for (const child of children.rows.map(toChain)) await this.relink(c, doc, child.id, unlink(removed, child))
        await c.query('DELETE FROM tandem_doc_version WHERE doc = $1 AND id = $2', [doc, id])
      }
    })
  }

  private async relink(c: pg.PoolClient, doc: string, id: number, l: ChainLink): Promise<void> {
    await c.query(
      'UPDATE tandem_doc_version SET base = $1, root = $2, depth = $3, encoding = $4, data = $5 WHERE doc = $6 AND id = $7',
      [l.base, l.root, l.depth, l.encoding, Buffer.from(l.data), doc, id],
    )
  }

  async close(): Promise<void> {}
}
