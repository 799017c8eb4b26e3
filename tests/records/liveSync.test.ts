import { join } from 'node:path'
import type { RecordsCheckInReport } from '@tandem/client'
import { recordValues } from '@tandem/records'
import { SqliteRecordStorage } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { FlakyRecordStorage } from './flakyRecordStorage.ts'
import { type RecordsRig, rest, settled, startRecordsRig } from './recordsRig.ts'
import { pullAll, setMutation } from './recordsWire.ts'

let rig: RecordsRig | undefined
afterEach(async () => {
  await rig?.close()
  rig = undefined
})

const push = (mutations: unknown[]) => rest(`${rig!.http}/v1/records/tasks`, { method: 'POST', body: { mutations } })

describe('records live on the Tandem socket', () => {
  it('put, update and delete reach another client live, and the check-in after sync matches', async () => {
    rig = await startRecordsRig()
    const a = rig.client().records('tasks')
    const b = rig.client().records('tasks')
    const sources: string[] = []
    b.subscribe((c) => sources.push(c.source))
    await a.put('t1', { title: 'hello', status: 'todo' })
    await settled(a)
    await waitUntil('b sees t1', () => b.get('t1')?.title === 'hello')
    await b.update('t1', { status: 'done' })
    await waitUntil('a sees status', () => a.get('t1')?.status === 'done')
    expect(a.get('t1')).toEqual({ title: 'hello', status: 'done' })
    await a.delete('t1')
    await waitUntil('b sees delete', () => b.get('t1') === undefined)
    expect(sources).toContain('server')
    expect(sources).toContain('local')
    expect((await a.checkIn()).equal).toBe(true)
  })

  it('commits made while a new subscriber pulls (between pages, and after its last page before it goes live) are not lost', async () => {
    const dir = await makeTempDir('slow-pull')
    const slow = new FlakyRecordStorage(new SqliteRecordStorage({ file: join(dir, 'records.sqlite') }), 0)
    rig = await startRecordsRig({ recordStorage: slow })
    for (let i = 0; i < 5_000; i += 1_000) {
      await push(Array.from({ length: 1_000 }, (_, k) => setMutation(`r${i + k}`, { n: 0 })))
    }
    // Between the reader's page reads, and right after its last one (before it goes live),
    // writers commit: rewrites of records already sent and of records still to come.
    let round = 0
    slow.onRead = async (read) => {
      round++
      const ids = Array.from({ length: 10 }, (_, k) => `r${(round * 83 + k * 499) % 5_000}`)
      expect((await push(ids.map((id) => setMutation(id, { n: round }, { node: 'writer' })))).status).toBe(200)
      if (!read.more) slow.onRead = null
    }
    const reader = rig.client().records('tasks')
    const checkIns: RecordsCheckInReport[] = []
    reader.on('checkIn', (r) => checkIns.push(r))
    await settled(reader, 'reader', 20_000)
    // The check-in after sync would repair a lost change, so it must find nothing to repair.
    await waitUntil('the check-in after sync', () => checkIns.length > 0)
    expect(checkIns[0]).toMatchObject({ equal: true })
    const server = await pullAll(rig.http, 'tasks')
    await waitUntil(
      'the reader to hold exactly the server state',
      () =>
        reader.all().length === server.records.size &&
        [...server.records.values()].every((r) => JSON.stringify(reader.get(r.id)) === JSON.stringify(recordValues(r))),
      { timeoutMs: 10_000 },
    )
    await rig.close()
    rig = undefined
    await removeDir(dir)
  })
})
