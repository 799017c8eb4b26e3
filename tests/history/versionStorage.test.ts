import { join } from 'node:path'
import { SqliteVersionStorage, thinVersions } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

const DAY = 24 * 3600_000
const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d)
})

async function open(clock: { t: number }) {
  const dir = await makeTempDir('versions')
  dirs.push(dir)
  return {
    file: join(dir, 'tandem.sqlite'),
    s: new SqliteVersionStorage({ file: join(dir, 'tandem.sqlite'), now: () => clock.t }),
  }
}

describe('SqliteVersionStorage', () => {
  it('keeps versions per document with authors and size, and reads a version back across a reopen', async () => {
    const clock = { t: 1000 }
    const { file, s } = await open(clock)
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
    const again = new SqliteVersionStorage({ file })
    const listed = await again.list('a')
    expect(listed[0]).toMatchObject({ name: 'first draft', at: 1000, size: v1.size })
    const preview = new Y.Doc()
    Y.applyUpdate(preview, (await again.state('a', v1.id)) as Uint8Array)
    expect(preview.getText('t').toString()).toBe('monday')
    await again.close()
  })

  it('retention keeps all for 30 days, then the newest per day, and named versions for ever', async () => {
    const clock = { t: 0 }
    const { s } = await open(clock)
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
  })
})
