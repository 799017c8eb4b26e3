// onConnect / onDisconnect against a real relay on port 0: a refusal closes only that document
// (the socket's other documents go on), a throw or a hang refuses it as an internal error, and
// what a Tandem client sends while the hook decides is kept, not lost.
import { CloseCode, TandemMessageType as T } from '@tandem/protocol'
import { type ConnectEvent, HookRejection } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthRig, restText, startAuthRelay, stockOutcome, tandemSocket, textUpdate } from '../auth/authRig.ts'
import { waitUntil } from '../helpers/wait.ts'

let rig: AuthRig
const connects: ConnectEvent[] = []
const disconnects: ConnectEvent[] = []

beforeAll(async () => {
  rig = await startAuthRelay({
    hooks: {
      hookTimeoutMs: 300,
      onConnect: async (event) => {
        connects.push(event)
        if (event.documentName.startsWith('closed/')) throw new HookRejection('this room is closed')
        if (event.documentName === 'buggy') throw new Error('hook bug')
        if (event.documentName === 'hangs') return new Promise<void>(() => {})
        if (event.documentName === 'slow') await new Promise((resolve) => setTimeout(resolve, 150))
      },
      onDisconnect: (event) => void disconnects.push(event),
    },
  })
})
afterAll(() => rig?.close())

describe('onConnect / onDisconnect', () => {
  it('refuses a stock client with the rejection’s code; a throw or a hang with 1011', async () => {
    const token = await rig.token({ docs: ['*'] })
    expect(await stockOutcome(`${rig.relay.url}/closed%2Fa?token=${token}`)).toBe(CloseCode.Forbidden)
    expect(await stockOutcome(`${rig.relay.url}/buggy?token=${token}`)).toBe(CloseCode.InternalError)
    expect(await stockOutcome(`${rig.relay.url}/hangs?token=${token}`, 1_500)).toBe(CloseCode.InternalError)
    expect(await stockOutcome(`${rig.relay.url}/open?token=${token}`)).toBe('open')
    const event = connects.find((e) => e.documentName === 'open')!
    expect(event).toMatchObject({ subject: 'u', readOnly: false, via: 'y-websocket' })
    await waitUntil('onDisconnect for the stock client', () => disconnects.some((e) => e.documentName === 'open'))
    // Refused clients never joined: they do not leave either.
    expect(disconnects.some((e) => e.documentName === 'closed/a')).toBe(false)
  })

  it('refuses one document of a Tandem socket; the others on it go on', async () => {
    const token = await rig.token({ docs: ['*'], scope: 'read', sub: 'reader' })
    const s = await tandemSocket(rig.relay)
    await s.hello(token)
    await s.welcomed()
    s.send({ type: T.Subscribe, channel: 1, doc: 'closed/b' })
    s.send({ type: T.Subscribe, channel: 2, doc: 'fine' })
    await waitUntil('the refusal', () => s.got.some((m) => m.type === T.Error && m.channel === 1))
    expect(s.got.find((m) => m.type === T.Error)).toMatchObject({
      code: CloseCode.Forbidden,
      reason: 'this room is closed',
    })
    await waitUntil('the other document syncs', () => s.got.some((m) => m.type === T.Doc && m.channel === 2))
    expect(connects.find((e) => e.documentName === 'fine')).toMatchObject({
      subject: 'reader',
      readOnly: true,
      via: 'tandem',
    })
    s.send({ type: T.Unsubscribe, channel: 2 })
    await waitUntil('onDisconnect after unsubscribe', () => disconnects.some((e) => e.documentName === 'fine'))
    s.ws.terminate()
  })

  it('keeps what a Tandem client sends while onConnect decides, in order', async () => {
    const token = await rig.token({ docs: ['*'] })
    const s = await tandemSocket(rig.relay)
    await s.hello(token)
    await s.welcomed()
    // A write sent right behind a subscribe the hook refuses is never stored.
    s.send({ type: T.Subscribe, channel: 9, doc: 'closed/c' })
    s.send({ type: T.DocUpdate, channel: 9, seq: 1, update: textUpdate('sneaked in', 10) })
    s.send({ type: T.Subscribe, channel: 1, doc: 'slow' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('first', 11) })
    s.send({ type: T.DocUpdate, channel: 1, seq: 2, update: textUpdate('second', 12) })
    await waitUntil('both writes acked', () => s.got.some((m) => m.type === T.Ack && m.seq === 2))
    expect(s.got.find((m) => m.type === T.Error)).toMatchObject({ channel: 9, code: CloseCode.Forbidden })
    expect(s.got.some((m) => m.type === T.Ack && m.channel === 9)).toBe(false)
    expect(await restText(rig, 'closed/c', token)).toBe('')
    const text = await restText(rig, 'slow', token)
    expect(text.length).toBe('firstsecond'.length)
    expect(text).toContain('first')
    expect(text).toContain('second')
    s.ws.terminate()
    await waitUntil('onDisconnect when the socket goes', () => disconnects.some((e) => e.documentName === 'slow'))
    expect(rig.relay.metrics.value('tandem_hook_failures_total', { hook: 'onConnect', reason: 'timeout' })).toBe(1)
  })
})
