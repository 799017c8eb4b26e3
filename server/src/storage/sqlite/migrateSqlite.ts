import type Database from 'better-sqlite3'

/** The schema version this server writes; documents and records share one file. */
export const SCHEMA_VERSION = 5

/**
 * Brings a database file up to {@link SCHEMA_VERSION}, one step per version, each in its own
 * transaction with the version bump, so a crash mid-migration leaves the previous version.
 * Both SqliteDocStorage and SqliteRecordStorage call it on open, whichever opens the file first.
 * Version 1: documents (snapshot + log). Version 2: records (rows with their latest sequence
 * number, per-collection head and purge horizon, applied mutation ids, the epoch).
 * Version 3: write times of document log entries and snapshots, and document tombstones.
 * Version 4: the log position each snapshot covers (fences stale compactions).
 * Version 5: document history (doc_version) as delta chains; a table an earlier build created
 * with whole V1 states only gains the chain columns, its rows read as V1 keyframes.
 */
export function migrateSqlite(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new Error(`database schema version ${version} is newer than this server (${SCHEMA_VERSION})`)
  }
  if (version < 1) {
    db.transaction(() => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS doc_snapshot (doc TEXT PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS doc_log (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS doc_log_by_doc ON doc_log (doc, id);
        PRAGMA user_version = 1;
      `)
    }).immediate()
  }
  if (version < 2) {
    db.transaction(() => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS record (
          collection TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, digest TEXT NOT NULL,
          deleted INTEGER NOT NULL, seq INTEGER NOT NULL, changed_at INTEGER NOT NULL,
          PRIMARY KEY (collection, id)) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS record_by_seq ON record (collection, seq);
        CREATE INDEX IF NOT EXISTS record_tombstones ON record (deleted, changed_at);
        CREATE TABLE IF NOT EXISTS record_collection (
          collection TEXT PRIMARY KEY, head INTEGER NOT NULL, purged INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS record_mutation (
          collection TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
          PRIMARY KEY (collection, id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS record_mutation_by_age ON record_mutation (at);
        CREATE TABLE IF NOT EXISTS record_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        PRAGMA user_version = 2;
      `)
    }).immediate()
  }
  if (version < 3) {
    db.transaction(() => {
      db.exec(`
        ALTER TABLE doc_log ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE doc_snapshot ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE IF NOT EXISTS doc_tombstone (doc TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL);
        PRAGMA user_version = 3;
      `)
    }).immediate()
  }
  if (version < 4) {
    db.transaction(() => {
      db.exec(`
        ALTER TABLE doc_snapshot ADD COLUMN head INTEGER NOT NULL DEFAULT 0;
        PRAGMA user_version = 4;
      `)
    }).immediate()
  }
  if (version < 5) {
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS doc_version (
        id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, at INTEGER NOT NULL,
        authors TEXT NOT NULL, size INTEGER NOT NULL, name TEXT, data BLOB NOT NULL)`)
      const columns = new Set((db.pragma('table_info(doc_version)') as { name: string }[]).map((c) => c.name))
      if (!columns.has('base')) {
        db.exec(`
          ALTER TABLE doc_version ADD COLUMN base INTEGER;
          ALTER TABLE doc_version ADD COLUMN root INTEGER;
          ALTER TABLE doc_version ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE doc_version ADD COLUMN encoding INTEGER NOT NULL DEFAULT 1;`)
      }
      db.exec(`
        CREATE INDEX IF NOT EXISTS doc_version_doc ON doc_version (doc, id);
        CREATE INDEX IF NOT EXISTS doc_version_by_base ON doc_version (doc, base);
        PRAGMA user_version = 5;`)
    }).immediate()
  }
}
