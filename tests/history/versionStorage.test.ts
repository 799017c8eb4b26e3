import { join } from 'node:path'
import {
  PostgresDocStorage,
  PostgresVersionStorage,
  SqliteVersionStorage,
  thinVersions,
  type VersionStorage,
} from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

const DAY = 24 * 3600_000
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
})
