import { join } from 'node:path'
import { SqliteDocStorage } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupCommitter } from '../../../server/src/docs/GroupCommitter.ts'
import { createLogger } from '../../../server/src/ops/Logger.ts'
import { Metrics } from '../../../server/src/ops/Metrics.ts'
import { makeTempDir, removeDir } from '../../helpers/tempDir.ts'
import { waitUntil } from '../../helpers/wait.ts'
import { GatedStorage } from './gatedStorage.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(retryMs: number, maxQueuedBytes = 1 << 20) {
  const dir = await makeTempDir('retry')
  const storage = new GatedStorage(new SqliteDocStorage({ file: join(dir, 'db.sqlite') }))
  const metrics = new Metrics()
  const committer = new GroupCommitter(storage, createLogger('silent'), metrics, { retryMs, maxQueuedBytes })
  cleanups.push(
    () => removeDir(dir),
    () => storage.close(),
  )
  const outcomes: string[] = []
  const write = (doc: string, text: string) =>
    committer.enqueue({
      doc,
      update: new TextEncoder().encode(text),
      committed: () => outcomes.push(`ok ${text}`),
      failed: () => outcomes.push(`failed ${text}`),
    })
  return { storage, committer, metrics, outcomes, write }
}

const stored = async (storage: GatedStorage, doc: string) =>
  (await storage.load(doc)).updates.map((u) => new TextDecoder().decode(u))

describe('GroupCommitter while storage is down', () => {
  it('holds writes and commits them in order once storage answers again, acking only then', async () => {
    const { storage, committer, metrics, outcomes, write } = await setup(60_000)
    storage.failAppends = true
    write('d', 'one')
    await waitUntil('a failed attempt', () => metrics.value('tandem_storage_errors_total') >= 1)
    write('d', 'two')
    write('e', 'three')
    await waitUntil('a retry', () => metrics.value('tandem_storage_errors_total') >= 2)
    expect(outcomes).toEqual([])
    expect(committer.retrying).toBe(true)
    expect(metrics.render()).toMatch(/^tandem_storage_retrying 1$/m)
    storage.failAppends = false
    await committer.drain()
    expect(outcomes).toEqual(['ok one', 'ok two', 'ok three'])
    expect(committer.retrying).toBe(false)
    expect(await stored(storage, 'd')).toEqual(['one', 'two'])
    expect(await stored(storage, 'e')).toEqual(['three'])
  })

  it('fails the writes after the retry window, and a later write gets a window of its own', async () => {
    const { storage, committer, outcomes, write } = await setup(300)
    storage.failAppends = true
    write('d', 'lost')
    await committer.drain()
    expect(outcomes).toEqual(['failed lost'])
    storage.failAppends = false
    write('d', 'later')
    await committer.drain()
    expect(outcomes).toEqual(['failed lost', 'ok later'])
    expect(await stored(storage, 'd')).toEqual(['later'])
  })

  it('stops holding once too many bytes wait, and on shutdown', async () => {
    const small = await setup(60_000, 8)
    small.storage.failAppends = true
    small.write('d', 'a much longer update')
    await small.committer.drain()
    expect(small.outcomes).toEqual(['failed a much longer update'])

    const { storage, committer, outcomes, write, metrics } = await setup(60_000)
    storage.failAppends = true
    write('d', 'pending at shutdown')
    await waitUntil('a failed attempt', () => metrics.value('tandem_storage_errors_total') >= 1)
    committer.stopRetrying()
    await committer.drain()
    expect(outcomes).toEqual(['failed pending at shutdown'])
  })
})
