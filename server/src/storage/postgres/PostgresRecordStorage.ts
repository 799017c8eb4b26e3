import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import type { ChangesRead, Decide, RecordRow, RecordStorage, WriteItem, WriteOutcome } from '../RecordStorage.ts'
import { inTransaction } from './inTransaction.ts'
import type { PostgresDocStorage } from './PostgresDocStorage.ts'

interface Row {
  id: string
  data: string
  digest: string
  deleted: boolean
  seq: string
}

const toRow = (r: Row): RecordRow => ({
  id: r.id,
  data: r.data,
  digest: r.digest,
  deleted: r.deleted,
  seq: Number(r.seq),
})

/**
 * Records in PostgreSQL, shared by every relay instance (the documents' pool and schema).
 * A write locks its collection's head row (SELECT ... FOR UPDATE) for the whole transaction,
 * so writers on any instance take sequence numbers one after another and commit in that
 * order: a reader can never see seq n + 1 before seq n.
 */
export class PostgresRecordStorage implements RecordStorage {
  constructor(private readonly docs: PostgresDocStorage) {}

  private tx<T>(mode: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.docs.pool, mode, fn)
  }

  async epoch(): Promise<string> {
    const candidate = randomBytes(9).toString('base64url')
    await this.docs.pool.query(
      "INSERT INTO tandem_record_meta (key, value) VALUES ('epoch', $1) ON CONFLICT DO NOTHING",
      [candidate],
    )
    const r = await this.docs.pool.query<{ value: string }>("SELECT value FROM tandem_record_meta WHERE key = 'epoch'")
    return r.rows[0]!.value
  }

  write(collection: string, items: readonly WriteItem[], decide: Decide): Promise<WriteOutcome[]> {
    return this.tx('', async (c) => {
      await c.query('INSERT INTO tandem_record_collection VALUES ($1, 0, 0) ON CONFLICT DO NOTHING', [collection])
      const locked = await c.query<{ head: string }>(
        'SELECT head FROM tandem_record_collection WHERE collection = $1 FOR UPDATE',
        [collection],
      )
      let head = Number(locked.rows[0]!.head)
      const now = Date.now()
      const outcomes: WriteOutcome[] = []
      for (const [index, item] of items.entries()) {
        const seen = await c.query('SELECT 1 FROM tandem_record_mutation WHERE collection = $1 AND id = $2', [
          collection,
          item.mutationId,
        ])
        if (seen.rowCount) {
          outcomes.push({ status: 'duplicate' })
          continue
        }
        const found = await c.query<Row>(
          'SELECT id, data, digest, deleted, seq FROM tandem_record WHERE collection = $1 AND id = $2',
          [collection, item.recordId],
        )
        const decision = decide(found.rows[0] ? toRow(found.rows[0]) : undefined, index)
        if (decision.kind === 'reject') {
          outcomes.push({ status: 'rejected' })
          continue
        }
        await c.query('INSERT INTO tandem_record_mutation VALUES ($1, $2, $3)', [collection, item.mutationId, now])
        if (decision.kind === 'keep') {
          outcomes.push({ status: 'kept' })
          continue
        }
        const { data, digest, deleted } = decision.row
        head++
        await c.query(
          `INSERT INTO tandem_record VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, digest = excluded.digest,
             deleted = excluded.deleted, seq = excluded.seq, changed_at = excluded.changed_at`,
          [collection, item.recordId, data, digest, deleted, head, now],
        )
        outcomes.push({ status: 'written', row: { id: item.recordId, data, digest, deleted, seq: head } })
      }
      await c.query('UPDATE tandem_record_collection SET head = $2 WHERE collection = $1', [collection, head])
      return outcomes
    })
  }

  changes(collection: string, since: number, limit: number): Promise<ChangesRead> {
    return this.tx('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const r = await c.query<Row>(
        'SELECT id, data, digest, deleted, seq FROM tandem_record WHERE collection = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [collection, since, limit + 1],
      )
      const rows = r.rows.map(toRow)
      const more = rows.length > limit
      if (more) rows.pop()
      const h = await c.query<{ head: string; purged: string }>(
        'SELECT head, purged FROM tandem_record_collection WHERE collection = $1',
        [collection],
      )
      return { rows, more, head: Number(h.rows[0]?.head ?? 0), purged: Number(h.rows[0]?.purged ?? 0) }
    })
  }

  async get(collection: string, ids: readonly string[]): Promise<RecordRow[]> {
    const r = await this.docs.pool.query<Row>(
      'SELECT id, data, digest, deleted, seq FROM tandem_record WHERE collection = $1 AND id = ANY($2::text[])',
      [collection, [...ids]],
    )
    return r.rows.map(toRow)
  }

  async digests(collection: string): Promise<{ id: string; digest: string }[]> {
    const r = await this.docs.pool.query<{ id: string; digest: string }>(
      'SELECT id, digest FROM tandem_record WHERE collection = $1 AND NOT deleted',
      [collection],
    )
    return r.rows
  }

  purge(before: number): Promise<{ tombstones: number; mutations: number }> {
    return this.tx('', async (c) => {
      await c.query(
        `UPDATE tandem_record_collection rc SET purged = GREATEST(rc.purged, p.seq)
         FROM (SELECT collection, max(seq) AS seq FROM tandem_record WHERE deleted AND changed_at < $1 GROUP BY collection) p
         WHERE rc.collection = p.collection`,
        [before],
      )
      const t = await c.query('DELETE FROM tandem_record WHERE deleted AND changed_at < $1', [before])
      const m = await c.query('DELETE FROM tandem_record_mutation WHERE at < $1', [before])
      return { tombstones: t.rowCount ?? 0, mutations: m.rowCount ?? 0 }
    })
  }

  /** The pool belongs to the document storage, which closes it. */
  async close(): Promise<void> {}
}
