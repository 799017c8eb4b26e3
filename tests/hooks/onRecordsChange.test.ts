// onRecordsChange against a real relay on port 0: told of each commit to a collection, in
// order, with the stored records and the field writes that lost; a hang costs only its call.
import { createLogger, type RecordsChangeEvent, type Relay, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { rest } from '../records/recordsRig.ts'
import { setMutation } from '../records/recordsWire.ts'

let relay: Relay | undefined
let dir: string | undefined

afterEach(async () => {
  await relay?.close()
  if (dir) await removeDir(dir)
})

it('reports commits in order with records and conflicts; a hanging call delays only itself', async () => {
  dir = await makeTempDir('records-hook')
  const events: RecordsChangeEvent[] = []
  relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    hooks: {
      hookTimeoutMs: 200,
      onRecordsChange: (e) => {
        events.push(e)
        if (events.length === 1) return new Promise<void>(() => {})
      },
    },
  })
  const http = relay.url.replace(/^ws:/, 'http:')
  const push = (mutations: unknown[]) =>
    rest(`${http}/v1/records/tasks`, { method: 'POST', body: { mutations } }).then((r) => expect(r.status).toBe(200))
  await push([setMutation('t1', { title: 'first' }, { wall: Date.now() + 1_000 })])
  await push([setMutation('t2', { title: 'second' })])
  // Older than what t1 holds: it loses by LWW, changes nothing stored, and is no change.
  await push([setMutation('t1', { title: 'stale' }, { wall: Date.now() - 60_000 })])
  await push([setMutation('t1', { done: true }, { wall: Date.now() + 2_000 })])
  await waitUntil('three commits reported', () => events.length === 3, { timeoutMs: 5_000 })
  expect(events.map((e) => [e.collection, e.records.map((r) => r.id)])).toEqual([
    ['tasks', ['t1']],
    ['tasks', ['t2']],
    ['tasks', ['t1']],
  ])
  // The record as merged and stored: the stale title lost, the new field is there.
  const fields = events[2]!.records[0]!.fields as Record<string, { value: unknown }>
  expect([fields.title?.value, fields.done?.value]).toEqual(['first', true])
  expect(events[2]!.conflicts).toEqual([])
  expect(relay.metrics.value('tandem_hook_failures_total', { hook: 'onRecordsChange', reason: 'timeout' })).toBe(1)
})
