import type pg from 'pg'

/**
 * Schema migrations, applied in order by whichever relay starts first; an advisory lock keeps
 * two instances starting at once from racing. Never edit a shipped migration: add one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tandem_doc_snapshot (doc text PRIMARY KEY, data bytea NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
   CREATE TABLE tandem_doc_log (id bigserial PRIMARY KEY, doc text NOT NULL, data bytea NOT NULL);
   CREATE INDEX tandem_doc_log_by_doc ON tandem_doc_log (doc, id);`,
  `CREATE TABLE tandem_record (
     collection text NOT NULL, id text NOT NULL, data text NOT NULL, digest text NOT NULL,
     deleted boolean NOT NULL, seq bigint NOT NULL, changed_at bigint NOT NULL,
     PRIMARY KEY (collection, id));
   CREATE UNIQUE INDEX tandem_record_by_seq ON tandem_record (collection, seq);
   CREATE INDEX tandem_record_tombstones ON tandem_record (deleted, changed_at);
   CREATE TABLE tandem_record_collection (collection text PRIMARY KEY, head bigint NOT NULL, purged bigint NOT NULL);
   CREATE TABLE tandem_record_mutation (collection text NOT NULL, id text NOT NULL, at bigint NOT NULL, PRIMARY KEY (collection, id));
   CREATE INDEX tandem_record_mutation_by_age ON tandem_record_mutation (at);
   CREATE TABLE tandem_record_meta (key text PRIMARY KEY, value text NOT NULL);`,
  `ALTER TABLE tandem_doc_log ADD COLUMN at timestamptz NOT NULL DEFAULT now();
   CREATE TABLE tandem_doc_tombstone (doc text PRIMARY KEY, deleted_at timestamptz NOT NULL DEFAULT now());`,
  // The log position each snapshot covers: a compaction from an older load is fenced out.
  'ALTER TABLE tandem_doc_snapshot ADD COLUMN head bigint NOT NULL DEFAULT 0;',
  // Document history as delta chains (VersionChain). An earlier build created the table itself
  // with whole V1 states: it only gains the chain columns, and its rows read as V1 keyframes.
  `CREATE TABLE IF NOT EXISTS tandem_doc_version (
     id bigserial PRIMARY KEY, doc text NOT NULL, at bigint NOT NULL, authors text NOT NULL,
     size integer NOT NULL, name text, data bytea NOT NULL);
   ALTER TABLE tandem_doc_version ADD COLUMN IF NOT EXISTS base bigint,
     ADD COLUMN IF NOT EXISTS root bigint, ADD COLUMN IF NOT EXISTS depth integer NOT NULL DEFAULT 0,
     ADD COLUMN IF NOT EXISTS encoding smallint NOT NULL DEFAULT 1;
   CREATE INDEX IF NOT EXISTS tandem_doc_version_by_doc ON tandem_doc_version (doc, id);
   CREATE INDEX IF NOT EXISTS tandem_doc_version_by_base ON tandem_doc_version (doc, base);`,
  // One instance at a time checkpoints a document; the token fences out a holder that lost it.
  `CREATE TABLE tandem_doc_lease (doc text PRIMARY KEY, holder text NOT NULL, token bigint NOT NULL,
     expires_at timestamptz NOT NULL);
   ALTER TABLE tandem_doc_snapshot ADD COLUMN lease_token bigint;`,
]

const MIGRATION_LOCK = 0x74616e64 // "tand"

export async function migrate(client: pg.PoolClient, schema: string): Promise<number> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`)
    await client.query('CREATE TABLE IF NOT EXISTS tandem_schema (version integer NOT NULL)')
    const row = await client.query<{ version: number }>('SELECT version FROM tandem_schema')
    let version = row.rows[0]?.version ?? 0
    if (version > MIGRATIONS.length) {
      throw new Error(`database schema version ${version} is newer than this server (${MIGRATIONS.length})`)
    }
    if (row.rows.length === 0) await client.query('INSERT INTO tandem_schema (version) VALUES (0)')
    for (; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version]!)
    await client.query('UPDATE tandem_schema SET version = $1', [version])
    await client.query('COMMIT')
    return version
  } catch (err) {
    await client.query('ROLLBACK')
    throw err
  }
}

/** Schema names come from configuration, never from clients; quoting still keeps them inert. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
