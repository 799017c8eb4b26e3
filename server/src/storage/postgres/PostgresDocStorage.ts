import type pg from 'pg'
import type { AppendEntry, DocInfo, DocStorage, StoredDoc } from '../DocStorage.ts'
import { FencedOut } from '../FencedOut.ts'
import { inTransaction } from './inTransaction.ts'
import { migrate, quoteIdent } from './postgresSchema.ts'

export interface PostgresDocStorageOptions {
  /** postgres://user@host:port/db */
  url: string
  /** Schema holding Tandem's tables (default `tandem`); several deployments can share a database. */
  schema?: string
  /** Pool size (default 10). */
  maxConnections?: number
}

/**
 * Documents in PostgreSQL, shared by several relay processes. Appends to one document are
 * serialised by a transaction-scoped advisory lock, so log ids of a document grow in commit
 * order: a load sees a prefix of the log, and a compaction that deletes up to the last id it
 * read can never delete a row another instance committed after that read.
 */
export class PostgresDocStorage implements DocStorage {
  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  static async connect(options: PostgresDocStorageOptions): Promise<PostgresDocStorage> {
    const schema = options.schema ?? 'tandem'
    // Loaded here, not at the top: a relay on SQLite never pays for the driver (~20 MB resident).
    const { default: driver } = await import('pg')
    const pool = new driver.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 })
    pool.on('connect', (client) => {
      client.query(`SET search_path TO ${quoteIdent(schema)}`).catch(() => {})
    })
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {})
    const client = await pool.connect()
    try {
      await migrate(client, schema)
    } finally {
      client.release()
    }
    return new PostgresDocStorage(pool, schema)
  }

  private readonly inflight = new Set<Promise<unknown>>()
  private closed = false

  /** Every operation is tracked, so close() can let the ones under way finish first. */
  private tx<T>(mode: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('PostgresDocStorage is closed'))
    const run = inTransaction(this.pool, mode, fn)
    this.inflight.add(run)
    void run.finally(() => this.inflight.delete(run)).catch(() => {})
    return run
  }

  private static lockDocs(client: pg.PoolClient, docs: Iterable<string>): Promise<unknown> {
    // Sorted, so two batches locking the same documents cannot deadlock.
    const sorted = [...new Set(docs)].sort()
    return client.query('SELECT pg_advisory_xact_lock(hashtextextended(d, 0)) FROM unnest($1::text[]) AS d', [sorted])
  }

  async load(doc: string): Promise<StoredDoc> {
    // One snapshot of the database for both reads, so a compaction in between cannot hide rows.
    return this.tx('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
      const snap = await c.query<{ data: Buffer; head: string }>(
        'SELECT data, head FROM tandem_doc_snapshot WHERE doc = $1',
        [doc],
      )
      const log = await c.query<{ id: string; data: Buffer }>(
        'SELECT id, data FROM tandem_doc_log WHERE doc = $1 ORDER BY id',
        [doc],
      )
      let logBytes = 0
      const updates = log.rows.map((r) => {
        logBytes += r.data.length
        return new Uint8Array(r.data)
      })
      const snapshot = snap.rows[0] ? new Uint8Array(snap.rows[0].data) : null
      const tomb = await c.query<{ at: string }>(
        'SELECT (extract(epoch FROM deleted_at) * 1000)::bigint AS at FROM tandem_doc_tombstone WHERE doc = $1',
        [doc],
      )
      const deletedAt = tomb.rows[0] ? Number(tomb.rows[0].at) : undefined
      return {
        snapshot,
        updates,
        head: Math.max(Number(log.rows.at(-1)?.id ?? 0), Number(snap.rows[0]?.head ?? 0)),
        logBytes,
        ...(deletedAt ? { deletedAt } : {}),
      }
    })
  }

  async append(entries: readonly AppendEntry[]): Promise<void> {
    if (entries.length === 0) return
    await this.tx('', async (c) => {
      await PostgresDocStorage.lockDocs(
        c,
        entries.map((e) => e.doc),
      )
      await c.query(
        `INSERT INTO tandem_doc_log (doc, data)
         SELECT d, u FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS t(d, u, n) ORDER BY n`,
        [
          entries.map((e) => e.doc),
          entries.map((e) => Buffer.from(e.update.buffer, e.update.byteOffset, e.update.byteLength)),
        ],
      )
    })
  }

  async compact(doc: string, snapshot: Uint8Array, upTo: number, fence?: number): Promise<void> {
    await this.tx('', async (c) => {
      await PostgresDocStorage.lockDocs(c, [doc])
      if (fence !== undefined) {
        // FOR SHARE: a grant to someone else waits for this transaction, so the next holder's
        // load sees this checkpoint, or this one sees the newer token and writes nothing.
        const lease = await c.query<{ token: string }>('SELECT token FROM tandem_doc_lease WHERE doc = $1 FOR SHARE', [
          doc,
        ])
        if (Number(lease.rows[0]?.token ?? -1) !== fence) throw new FencedOut(doc, fence)
      }
      await c.query(
        `INSERT INTO tandem_doc_snapshot (doc, data, head, lease_token) VALUES ($1, $2, $3, $4)
         ON CONFLICT (doc) DO UPDATE SET data = excluded.data, head = excluded.head, updated_at = now(),
           lease_token = excluded.lease_token
         WHERE tandem_doc_snapshot.head <= excluded.head`,
        [doc, Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength), upTo, fence ?? null],
      )
      await c.query('DELETE FROM tandem_doc_log WHERE doc = $1 AND id <= $2', [doc, upTo])
    })
  }

  async acquireCompactionLease(doc: string, holder: string, ttlMs: number): Promise<number | null> {
    // Granted when free, expired, or already ours; every grant takes the next token.
    const r = await this.tx('', (c) =>
      c.query<{ token: string }>(
        `INSERT INTO tandem_doc_lease (doc, holder, token, expires_at)
         VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (doc) DO UPDATE
           SET holder = excluded.holder, token = tandem_doc_lease.token + 1, expires_at = excluded.expires_at
           WHERE tandem_doc_lease.expires_at <= clock_timestamp() OR tandem_doc_lease.holder = excluded.holder
         RETURNING token`,
        [doc, holder, ttlMs],
      ),
    )
    return r.rows[0] ? Number(r.rows[0].token) : null
  }

  async releaseCompactionLease(doc: string, token: number): Promise<void> {
    await this.tx('', (c) =>
      c.query('UPDATE tandem_doc_lease SET expires_at = clock_timestamp() WHERE doc = $1 AND token = $2', [doc, token]),
    )
  }

  async remove(doc: string): Promise<void> {
    await this.tx('', async (c) => {
      await PostgresDocStorage.lockDocs(c, [doc])
      await c.query('DELETE FROM tandem_doc_snapshot WHERE doc = $1', [doc])
      await c.query('DELETE FROM tandem_doc_log WHERE doc = $1', [doc])
      await c.query(
        'INSERT INTO tandem_doc_tombstone (doc) VALUES ($1) ON CONFLICT (doc) DO UPDATE SET deleted_at = now()',
        [doc],
      )
    })
  }

  async restore(doc: string): Promise<void> {
    await this.tx('', (c) => c.query('DELETE FROM tandem_doc_tombstone WHERE doc = $1', [doc]))
  }

  async describe(): Promise<DocInfo[]> {
    const r = await this.tx('ISOLATION LEVEL REPEATABLE READ READ ONLY', (c) =>
      c.query<{ name: string; bytes: string; updates: string; updated: string | null; deleted: string | null }>(
        `SELECT name, sum(bytes) AS bytes, sum(updates) AS updates,
           (extract(epoch FROM max(at)) * 1000)::bigint AS updated, (extract(epoch FROM max(deleted)) * 1000)::bigint AS deleted
         FROM (SELECT doc AS name, octet_length(data) AS bytes, 0 AS updates, updated_at AS at, NULL::timestamptz AS deleted FROM tandem_doc_snapshot
               UNION ALL SELECT doc, octet_length(data), 1, at, NULL FROM tandem_doc_log
               UNION ALL SELECT doc, 0, 0, deleted_at, deleted_at FROM tandem_doc_tombstone) t
         GROUP BY name ORDER BY name`,
      ),
    )
    return r.rows.map((row) => ({
      name: row.name,
      bytes: Number(row.bytes),
      updates: Number(row.updates),
      updatedAt: Number(row.updated ?? 0),
      ...(row.deleted ? { deletedAt: Number(row.deleted) } : {}),
    }))
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('PostgresDocStorage is closed')
    await this.pool.query('SELECT 1')
  }

  async list(): Promise<string[]> {
    const r = await this.pool.query<{ doc: string }>(
      'SELECT doc FROM tandem_doc_snapshot UNION SELECT DISTINCT doc FROM tandem_doc_log',
    )
    return r.rows.map((row) => row.doc)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.allSettled([...this.inflight])
    await this.pool.end()
  }
}
