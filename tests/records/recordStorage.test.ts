import { join } from 'node:path'
import { SqliteDocStorage, SqliteRecordStorage } from '@tandem/server'
import { describeRecordStorage } from '@tandem/testing'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

describeRecordStorage('SqliteRecordStorage', async () => {
  const dir = await makeTempDir('record-storage')
  const file = join(dir, 'tandem.sqlite')
  return { open: async () => new SqliteRecordStorage({ file }), destroy: () => removeDir(dir) }
})

describe('SQLite schema version 2', () => {
  it('migrates a version-1 documents file in place, keeping its documents', async () => {
    const dir = await makeTempDir('migrate')
    const file = join(dir, 'tandem.sqlite')
    const v1 = new Database(file)
    v1.exec(`CREATE TABLE doc_snapshot (doc TEXT PRIMARY KEY, data BLOB NOT NULL);
      CREATE TABLE doc_log (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL);
      CREATE INDEX doc_log_by_doc ON doc_log (doc, id);
      INSERT INTO doc_log (doc, data) VALUES ('d', x'0102');
      PRAGMA user_version = 1;`)
    v1.close()
    const records = new SqliteRecordStorage({ file })
    const docs = new SqliteDocStorage({ file })
    expect((await docs.load('d')).updates.map((u) => [...u])).toEqual([[1, 2]])
    expect((await records.changes('c', 0, 1)).head).toBe(0)
    await records.close()
    await docs.close()
    const check = new Database(file)
    expect(check.pragma('user_version', { simple: true })).toBe(5)
    check.close()
    await removeDir(dir)
  })
})
