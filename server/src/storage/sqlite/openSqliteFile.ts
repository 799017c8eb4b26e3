import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

/**
 * Opens (creating if needed) a SQLite file readable by its owner only: documents and records
 * are the users' data, not the machine's. SQLite gives its -wal and -shm files the mode of
 * the database file, so creating that one 0600 covers all three. An existing file keeps the
 * mode its operator chose.
 */
export function openSqliteFile(file: string): Database.Database {
  if (file !== ':memory:' && file !== '') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    // 'a' creates without truncating; the mode applies only to a file created here.
    closeSync(openSync(file, 'a', 0o600))
  }
  return new Database(file)
}
