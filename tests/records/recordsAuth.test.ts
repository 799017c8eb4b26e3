import type { RejectedEvent } from '@tandem/client'
import { CloseCode, TandemMessageType as T, type TandemMessage } from '@tandem/protocol'
import { parseChangesPage, parseMutationResults } from '@tandem/records'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthRig, startAuthRelay, tandemSocket } from '../auth/authRig.ts'
import { tandemClient } from '../client/tandemClient.ts'
import { waitUntil } from '../helpers/wait.ts'
import { rest } from './recordsRig.ts'
import { pullAll, setMutation } from './recordsWire.ts'

let rig: AuthRig
let writer: string
let reader: string
let otherCollection: string
beforeAll(async () => {
  rig = await startAuthRelay()
  writer = await rig.token({ collections: ['tasks'], scope: 'write' })
  reader = await rig.token({ collections: ['tasks'], scope: 'read' })
  otherCollection = await rig.token({ collections: ['notes'], docs: ['*'], scope: 'write' })
  const seed = await rest(`${rig.http}/v1/records/tasks`, {
    method: 'POST',
    token: writer,
    body: { mutations: [setMutation('seed', { title: 'seeded' })] },
  })
  expect(seed.status).toBe(200)
})
afterAll(() => rig.close())

const post = (token: string | undefined, collection = 'tasks') =>
  rest(`${rig.http}/v1/records/${collection}`, {
    method: 'POST',
    token,
    body: { mutations: [setMutation('x', { v: 1 }, { collection })] },
  })

describe('records auth over REST', () => {
  it('no or bad token: 401 for pull and push', async () => {
    expect((await rest(`${rig.http}/v1/records/tasks`)).status).toBe(401)
    expect((await rest(`${rig.http}/v1/records/tasks`, { token: 'garbage' })).status).toBe(401)
    expect((await post(undefined)).status).toBe(401)
  })
  it('read-only token pulls but may not push (403)', async () => {
    const pulled = await pullAll(rig.http, 'tasks', '', { authorization: `Bearer ${reader}` })
    expect(pulled.records.has('seed')).toBe(true)
    const res = await post(reader)
    expect(res.status).toBe(403)
    expect(res.body.error).toBe('read-only access')
  })
  it('a collection not in the token is refused (403) both ways', async () => {
    expect((await rest(`${rig.http}/v1/records/tasks`, { token: otherCollection })).status).toBe(403)
    expect((await post(otherCollection)).status).toBe(403)
    expect((await post(writer, 'notes')).status).toBe(403)
  })
})

async function socket(token: string) {
  const s = await tandemSocket(rig.relay)
  await s.hello(token)
  await s.welcomed()
  return s
}

const find = <K extends T>(got: TandemMessage[], type: K) =>
  got.find((m): m is Extract<TandemMessage, { type: K }> => m.type === type)

describe('records auth over the Tandem socket', () => {
  it('read-only token: subscribe and pull work, every pushed mutation is refused as forbidden', async () => {
    const s = await socket(reader)
    s.send({ type: T.RecordsSubscribe, channel: 1, collection: 'tasks', token: '' })
    await waitUntil('a changes page', () => find(s.got, T.RecordsChanges) !== undefined)
    expect(parseChangesPage(find(s.got, T.RecordsChanges)!.json).changes.map((r) => r.id)).toContain('seed')
    const m = setMutation('ro', { v: 1 })
    s.send({ type: T.RecordsPush, channel: 1, id: 7, json: JSON.stringify({ mutations: [m] }) })
    await waitUntil('a result', () => find(s.got, T.RecordsResult) !== undefined)
    const result = find(s.got, T.RecordsResult)!
    expect(result.id).toBe(7)
    expect(parseMutationResults(result.json)).toMatchObject([{ id: m.id, status: 'rejected', reason: 'forbidden' }])
    s.ws.close()
  })

  it('a collection not in the token: the channel is refused with Forbidden, the socket stays', async () => {
    const s = await socket(otherCollection)
    s.send({ type: T.RecordsSubscribe, channel: 3, collection: 'tasks', token: '' })
    await waitUntil('an error frame', () => find(s.got, T.Error) !== undefined)
    expect(find(s.got, T.Error)).toMatchObject({ channel: 3, code: CloseCode.Forbidden })
    expect(find(s.got, T.RecordsChanges)).toBeUndefined()
    s.send({ type: T.Ping, id: 1 })
    await waitUntil('pong', () => find(s.got, T.Pong) !== undefined)
    s.ws.close()
  })

  it('a retried push over the socket is applied once', async () => {
    const s = await socket(writer)
    s.send({ type: T.RecordsSubscribe, channel: 1, collection: 'tasks', token: '' })
    const m = setMutation('twice', { v: 1 })
    const json = JSON.stringify({ mutations: [m] })
    s.send({ type: T.RecordsPush, channel: 1, id: 1, json })
    s.send({ type: T.RecordsPush, channel: 1, id: 2, json })
    await waitUntil('two results', () => s.got.filter((x) => x.type === T.RecordsResult).length === 2)
    const statuses = s.got
      .filter((x): x is Extract<TandemMessage, { type: T.RecordsResult }> => x.type === T.RecordsResult)
      .map((x) => parseMutationResults(x.json)[0]!.status)
    expect(statuses).toEqual(['applied', 'duplicate'])
    s.ws.close()
  })

  it('malformed records frames close only that socket with a protocol error', async () => {
    const s = await socket(writer)
    s.send({ type: T.RecordsSubscribe, channel: 1, collection: 'tasks', token: '' })
    s.send({ type: T.RecordsPush, channel: 1, id: 1, json: '{"mutations": 5}' })
    expect(await s.closed).toBe(CloseCode.MalformedMessage)
    const ok = await socket(writer)
    ok.ws.close()
  })

  it('client with a read-only token: pulls, and its write is rolled back with reason forbidden', async () => {
    const t = tandemClient(rig.relay.url, { getToken: () => reader })
    try {
      const tasks = t.records('tasks')
      await waitUntil('seed arrives', () => tasks.get('seed')?.title === 'seeded')
      const rejected: RejectedEvent[] = []
      tasks.on('rejected', (e) => rejected.push(e))
      await tasks.update('seed', { title: 'mine' })
      await waitUntil('rejection', () => rejected.length === 1)
      expect(rejected[0]!.reason).toBe('forbidden')
      expect(tasks.get('seed')?.title).toBe('seeded')
    } finally {
      t.destroy()
    }
  })
})
