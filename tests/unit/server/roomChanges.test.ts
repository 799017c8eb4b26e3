import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Compactor } from '../../../server/src/docs/compaction/Compactor.ts'
import type { DocChange } from '../../../server/src/docs/DocChanges.ts'
import { GroupCommitter } from '../../../server/src/docs/GroupCommitter.ts'
import { RoomDoc } from '../../../server/src/docs/RoomDoc.ts'
import { DEFAULT_LIMITS } from '../../../server/src/main/relayOptions.ts'
import type { RelayContext } from '../../../server/src/net/RelayContext.ts'
import { createLogger } from '../../../server/src/ops/Logger.ts'
import { Metrics } from '../../../server/src/ops/Metrics.ts'
import { SqliteDocStorage } from '../../../server/src/storage/sqlite/SqliteDocStorage.ts'
import { makeTempDir, removeDir } from '../../helpers/tempDir.ts'

/** The room's document as what comes next (history, hooks, webhooks) sees it: state and committed changes in order. */

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function roomDoc(): Promise<RoomDoc> {
  const dir = await makeTempDir('room-changes')
  const storage = new SqliteDocStorage({ file: join(dir, 'db.sqlite') })
  const log = createLogger('silent')
  const metrics = new Metrics()
  const compactor = new Compactor(storage, log)
  const ctx: RelayContext = {
    storage,
    committer: new GroupCommitter(storage, log, metrics),
    compactor,
    limits: DEFAULT_LIMITS,
    log,
    metrics,
    cluster: null,
    verifyToken: null,
  }
  cleanups.push(async () => {
    await compactor.finish(0)
    await storage.close()
    await removeDir(dir)
  })
  return new RoomDoc(
    'doc',
    ctx,
    () => {},
    () => {},
  )
}

it('gives the current state and every committed change in order, held content only once it integrated', async () => {
  const doc = await roomDoc()
  const changes: DocChange[] = []
  doc.changes.subscribe((c) => changes.push(c))
  const writer = new Y.Doc()
  const updates: Uint8Array[] = []
  writer.on('update', (u: Uint8Array) => updates.push(u))
  for (const word of ['one ', 'two ', 'three']) writer.getText('t').insert(writer.getText('t').length, word)
  const write = (u: Uint8Array) => doc.write(u, Y.decodeUpdate(u), null)
  const held = write(updates[2]!)
  await write(updates[0]!)
  expect(changes.map((c) => c.seq)).toEqual([1])
  await write(updates[1]!)
  await held
  expect(changes.map((c) => c.seq)).toEqual([1, 2])
  expect(changes.every((c) => c.local)).toBe(true)
  // replaying the changes in order gives the current state
  const replay = new Y.Doc()
  for (const c of changes) Y.applyUpdate(replay, c.update)
  expect(replay.getText('t').toString()).toBe('one two three')
  const current = new Y.Doc()
  Y.applyUpdate(current, await doc.current())
  expect(current.getText('t').toString()).toBe('one two three')
})
