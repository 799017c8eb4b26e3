import { CloseCode, TandemMessageType as T } from '@tandem/protocol'
import { signToken } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { type AuthRig, restText, startAuthRelay, stockOutcome, tandemSocket, textUpdate } from './authRig.ts'

let rig: AuthRig
let writer: string
beforeAll(async () => {
  rig = await startAuthRelay()
  writer = await rig.token({ docs: ['team/*'], scope: 'write' })
  // Content every refused write is checked against.
  const res = await fetch(`${rig.http}/v1/docs/team%2Fplan`, {
    method: 'POST',
    headers: { authorization: `Bearer ${writer}` },
    body: textUpdate('original'),
  })
  expect(res.status).toBe(200)
})
afterAll(() => rig.close())

const badSignature = () =>
  signToken(
    new TextEncoder().encode('another-secret-0123456789-0123456789'),
    { sub: 'x', docs: ['*'], collections: [], scope: 'write' },
    60_000,
  )

describe('auth matrix', () => {
  const cases: [string, () => Promise<string | null>, number, number][] = [
    ['no token', async () => null, CloseCode.Unauthorized, 401],
    ['bad signature', badSignature, CloseCode.Unauthorized, 401],
    ['expired', () => rig.token({ docs: ['*'] }, -5_000), CloseCode.Unauthorized, 401],
    ['wrong document', () => rig.token({ docs: ['other/*'] }), CloseCode.Forbidden, 403],
    ['collection-only token', () => rig.token({ collections: ['*'] }), CloseCode.Forbidden, 403],
  ]
  for (const [name, makeToken, wsCode, httpStatus] of cases) {
    it(`${name}: stock WebSocket is closed with ${wsCode}`, async () => {
      const token = await makeToken()
      const q = token ? `?token=${token}` : ''
      expect(await stockOutcome(`${rig.relay.url}/team%2Fplan${q}`)).toBe(wsCode)
    })
    it(`${name}: Tandem socket is refused`, async () => {
      const s = await tandemSocket(rig.relay)
      await s.hello((await makeToken()) ?? '')
      if (wsCode === CloseCode.Unauthorized) {
        expect(await s.closed).toBe(CloseCode.Unauthorized)
        return
      }
      await s.welcomed()
      s.send({ type: T.Subscribe, channel: 1, doc: 'team/plan' })
      await waitUntil('the refusal', () => s.got.some((m) => m.type === T.Error))
      expect(s.got.find((m) => m.type === T.Error)).toMatchObject({ channel: 1, code: CloseCode.Forbidden })
      expect(s.got.some((m) => m.type === T.Doc)).toBe(false)
      s.ws.terminate()
    })
    it(`${name}: REST answers ${httpStatus} to GET and POST`, async () => {
      const token = await makeToken()
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
      const get = await fetch(`${rig.http}/v1/docs/team%2Fplan`, { headers })
      const post = await fetch(`${rig.http}/v1/docs/team%2Fplan`, { method: 'POST', headers, body: textUpdate('x') })
      expect([get.status, post.status]).toEqual([httpStatus, httpStatus])
    })
  }

  it('read-only token: syncs, but every write path is refused and the document is unchanged', async () => {
    const reader = await rig.token({ docs: ['team/*'], scope: 'read' })
    // REST
    const post = await fetch(`${rig.http}/v1/docs/team%2Fplan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader}` },
      body: textUpdate('evil'),
    })
    expect(post.status).toBe(403)
    // Tandem
    const s = await tandemSocket(rig.relay)
    await s.hello(reader)
    await s.welcomed()
    s.send({ type: T.Subscribe, channel: 1, doc: 'team/plan' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('evil', 7) })
    await waitUntil('Refused', () => s.got.some((m) => m.type === T.Refused))
    expect(s.got.find((m) => m.type === T.Refused)).toMatchObject({ channel: 1, seq: 1, code: CloseCode.Forbidden })
    expect(s.got.some((m) => m.type === T.Ack)).toBe(false)
    expect(s.got.some((m) => m.type === T.Doc)).toBe(true)
    s.ws.terminate()
    // Stock
    const { WebSocket } = await import('ws')
    const { encodeUpdate, decodeMessage, MessageType } = await import('@tandem/protocol')
    const ws = new WebSocket(`${rig.relay.url}/team%2Fplan?token=${reader}`)
    const frames: Uint8Array[] = []
    ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)))
    await new Promise((r) => ws.once('open', r))
    ws.send(encodeUpdate(textUpdate('evil', 8)))
    await waitUntil('permission denied', () => frames.some((f) => decodeMessage(f).type === MessageType.Auth))
    ws.terminate()
    await sleep(50)
    expect(await restText(rig, 'team/plan', writer)).toBe('original')
  })

  it('a write token writes through every path', async () => {
    const s = await tandemSocket(rig.relay)
    await s.hello(writer)
    await s.welcomed()
    s.send({ type: T.Subscribe, channel: 1, doc: 'team/ok' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('tandem ', 1) })
    await waitUntil('Ack', () => s.got.some((m) => m.type === T.Ack))
    s.ws.terminate()
    expect(await stockOutcome(`${rig.relay.url}/team%2Fok?token=${writer}`, 200)).toBe('open')
    expect(await restText(rig, 'team/ok', writer)).toBe('tandem ')
  })
})
