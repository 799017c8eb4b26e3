import { join } from 'node:path'
import {
  PostgresDocStorage,
  PostgresVersionStorage,
  SqliteVersionStorage,
  thinVersions,
  type VersionStorage,
} from '@tandem/server'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

const DAY = 24 * 3600_000
const textOf = (state: Uint8Array | null) => {
  const d = new Y.Doc()
  Y.applyUpdate(d, state as Uint8Array)
  return d.getText('t').toString()
}
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A backend under test: `open` gives a fresh store, `reopen` the same data through a new one. */
interface Backend {
  open(clock: { t: number }): Promise<{ s: VersionStorage; reopen(): Promise<VersionStorage> }>
}

const sqlite: Backend = {
  async open(clock) {
    const dir = await makeTempDir('versions')
    cleanups.push(() => removeDir(dir))
    const file = join(dir, 'tandem.sqlite')
    return {
      s: new SqliteVersionStorage({ file, now: () => clock.t }),
      reopen: async () => new SqliteVersionStorage({ file }),
    }
  },
}

const postgres: Backend = {
  async open(clock) {
    const schema = uniqueSchema('versions')
    const connect = async () => {
      const docs = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema })
      cleanups.push(() => docs.close())
      return PostgresVersionStorage.open(docs, () => clock.t)
    }
    cleanups.push(() => dropSchema(schema))
    return { s: await connect(), reopen: connect }
  },
}

const hasPostgres = await postgresAvailable()

describe.each([
  ['SqliteVersionStorage', sqlite, true],
  ['PostgresVersionStorage', postgres, hasPostgres],
] as const)('%s', (_name, backend, available) => {
  it.skipIf(!available)(
    'keeps versions per document with authors and size, and reads a version back across a reopen',
    async () => {
      const clock = { t: 1000 }
      const { s, reopen } = await backend.open(clock)
      const doc = new Y.Doc({ gc: false })
      doc.getText('t').insert(0, 'monday')
      const v1 = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: ['alice', 'alice'] })
      doc.getText('t').insert(6, '!')
      await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: [] })
      await s.add({ doc: 'b', state: new Uint8Array([0, 0]), authors: ['bob'] })
      expect(v1.authors).toEqual(['alice'])
      expect((await s.list('a')).map((v) => v.authors)).toEqual([['alice'], ['anonymous']])
      expect(await s.rename('a', v1.id, 'first draft')).toBe(true)
      expect(await s.state('b', v1.id)).toBeNull()
      await s.close()
      const again = await reopen()
      const listed = await again.list('a')
      expect(listed[0]).toMatchObject({ name: 'first draft', at: 1000, size: v1.size })
      const preview = new Y.Doc()
      Y.applyUpdate(preview, (await again.state('a', v1.id)) as Uint8Array)
      expect(preview.getText('t').toString()).toBe('monday')
      await again.close()
    },
  )

  it.skipIf(!available)(
    'retention keeps all for 30 days, then the newest per day, and named versions for ever',
    async () => {
      const clock = { t: 0 }
      const { s } = await backend.open(clock)
      const ids: number[] = []
      for (const at of [DAY + 1, DAY + 2, DAY + 3, 2 * DAY + 1, 2 * DAY + 2]) {
        clock.t = at
        ids.push((await s.add({ doc: 'a', state: new Uint8Array([0, 0]), authors: ['x'] })).id)
      }
      await s.rename('a', ids[0] as number, 'kept')
      const list = await s.list('a')
      expect(thinVersions(list, 20 * DAY)).toEqual([])
      const dropped = thinVersions(list, 32 * DAY)
      expect(dropped).toEqual([ids[1]])
      expect(thinVersions(list, 40 * DAY)).toEqual([ids[1], ids[3]])
      await s.remove('a', dropped)
      expect((await s.list('a')).map((v) => v.id)).toEqual([ids[0], ids[2], ids[3], ids[4]])
      await s.close()
    },
  )

  it.skipIf(!available)(
    'stores deltas with periodic keyframes: every version reads back, also after retention drops versions under others',
    async () => {
      const clock = { t: 1000 }
      const { s } = await backend.open(clock)
      const doc = new Y.Doc({ gc: false })
      const t = doc.getText('t')
      const texts = new Map<number, string>()
      for (let i = 0; i < 230; i++) {
        t.insert(Math.floor(t.length / 2), `edit ${i} `)
        if (i % 3 === 0) t.delete(0, 2)
        const v = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: ['x'] })
        texts.set(v.id, t.toString())
      }
      const list = await s.list('a')
      const whole = list.reduce((n, v) => n + v.size, 0)
      const stored = list.reduce((n, v) => n + v.stored, 0)
      // Whole states would cost the sum of sizes; deltas cost a small fraction of it.
      expect(stored * 10).toBeLessThan(whole)
      for (const v of list) expect(textOf(await s.state('a', v.id))).toBe(texts.get(v.id))
      // Drop the first keyframe, a run of deltas, and versions just before the next keyframe.
      const ids = list.map((v) => v.id)
      const dropped = [...ids.slice(0, 5), ...ids.slice(40, 60), ...ids.slice(95, 105)]
      await s.remove('a', dropped)
      const left = await s.list('a')
      expect(left.length).toBe(ids.length - dropped.length)
      for (const v of left) expect(textOf(await s.state('a', v.id))).toBe(texts.get(v.id))
      // Adding continues the chain from the newest kept version.
      t.insert(0, 'after ')
      const next = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: [] })
      expect(textOf(await s.state('a', next.id))).toBe(t.toString())
      expect(next.stored).toBeLessThan(next.size)
      await s.close()
    },
  )

  it.skipIf(!available)('a document created again under the same name starts a new keyframe', async () => {
    const { s } = await backend.open({ t: 0 })
    const first = new Y.Doc()
    first.getText('t').insert(0, 'old content')
    await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(first), authors: [] })
    const again = new Y.Doc()
    again.getText('t').insert(0, 'new')
    const v = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(again), authors: [] })
    expect(textOf(await s.state('a', v.id))).toBe('new')
    await s.close()
  })
})

it('SQLite: history a build before delta chains wrote (whole V1 states) stays readable', async () => {
  const dir = await makeTempDir('versions-legacy')
  cleanups.push(() => removeDir(dir))
  const file = join(dir, 'tandem.sqlite')
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'from the old build')
  const old = new Database(file)
  old.exec(`PRAGMA user_version = 4; CREATE TABLE doc_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, at INTEGER NOT NULL,
    authors TEXT NOT NULL, size INTEGER NOT NULL, name TEXT, data BLOB NOT NULL);`)
  const state = Y.encodeStateAsUpdate(doc)
  old
    .prepare('INSERT INTO doc_version (doc, at, authors, size, name, data) VALUES (?, ?, ?, ?, ?, ?)')
    .run('a', 1, '["x"]', state.length, null, state)
  old.close()
  const s = new SqliteVersionStorage({ file })
  doc.getText('t').insert(0, 'then ')
  const next = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: [] })
  const [first] = await s.list('a')
  expect(textOf(await s.state('a', first!.id))).toBe('from the old build')
  expect(textOf(await s.state('a', next.id))).toBe('then from the old build')
  expect(next.stored).toBeLessThan(next.size)
  await s.close()
})

it.skipIf(!hasPostgres)('PostgreSQL: history a build before delta chains wrote stays readable', async () => {
  const schema = uniqueSchema('versions_legacy')
  cleanups.push(() => dropSchema(schema))
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'from the old build')
  const state = Y.encodeStateAsUpdate(doc)
  // A schema at version 4 whose version table the earlier PostgresVersionStorage made itself.
  const first = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema })
  // (Later migrations are undone too, so the schema is exactly what version 4 had.)
  await first.pool.query(`DROP TABLE tandem_doc_version; DROP TABLE tandem_doc_lease;
    ALTER TABLE tandem_doc_snapshot DROP COLUMN lease_token; UPDATE tandem_schema SET version = 4;
    CREATE TABLE tandem_doc_version (id bigserial PRIMARY KEY, doc text NOT NULL, at bigint NOT NULL,
    authors text NOT NULL, size integer NOT NULL, name text, data bytea NOT NULL)`)
  await first.pool.query(
    'INSERT INTO tandem_doc_version (doc, at, authors, size, name, data) VALUES ($1, 1, $2, $3, null, $4)',
    ['a', '["x"]', state.length, Buffer.from(state)],
  )
  await first.close()
  const docs = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema })
  cleanups.push(() => docs.close())
  const s = await PostgresVersionStorage.open(docs)
  doc.getText('t').insert(0, 'then ')
  const next = await s.add({ doc: 'a', state: Y.encodeStateAsUpdate(doc), authors: [] })
  const [old] = await s.list('a')
  expect(textOf(await s.state('a', old!.id))).toBe('from the old build')
  expect(textOf(await s.state('a', next.id))).toBe('then from the old build')
  expect(next.stored).toBeLessThan(next.size)
})
