// onAuthenticate against a real relay on port 0, on all three ways in (y-websocket, Tandem, REST):
// it can grant its own credentials, pass to the built-in token check, or refuse; a hook that
// throws or hangs refuses only that client.
import { CloseCode, TandemMessageType as T } from '@tandem/protocol'
import { type AuthenticateEvent, HookRejection } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthRig, restText, startAuthRelay, stockOutcome, tandemSocket, textUpdate } from '../auth/authRig.ts'
import { waitUntil } from '../helpers/wait.ts'

let rig: AuthRig
const seen: AuthenticateEvent[] = []

beforeAll(async () => {
  rig = await startAuthRelay({
    hooks: {
      hookTimeoutMs: 300,
      onAuthenticate: (event) => {
        seen.push(event)
        if (event.token === 'key-writer') return { sub: 'svc', docs: ['keyed/*'], collections: [], scope: 'write' }
        if (event.token === 'key-banned') throw new HookRejection('key revoked', { closeCode: CloseCode.Forbidden })
        if (event.token === 'key-bug') throw new Error('lookup failed')
        if (event.token === 'key-slow') return new Promise(() => {})
        return undefined // anything else: the built-in JWT check decides
      },
    },
  })
})
afterAll(() => rig?.close())

describe('onAuthenticate', () => {
  it('grants its own credentials on every path, and sees the request', async () => {
    expect(await stockOutcome(`${rig.relay.url}/keyed%2Fa?token=key-writer`)).toBe('open')
    const s = await tandemSocket(rig.relay)
    await s.hello('key-writer')
    await s.welcomed()
    s.send({ type: T.Subscribe, channel: 1, doc: 'keyed/a' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('via key') })
    await waitUntil('the write is acked', () => s.got.some((m) => m.type === T.Ack && m.seq === 1))
    s.ws.terminate()
    expect(await restText(rig, 'keyed/a', 'key-writer')).toBe('via key')
    // The grant is what the hook said: another document stays closed.
    expect(await stockOutcome(`${rig.relay.url}/other?token=key-writer`)).toBe(CloseCode.Forbidden)
    expect(new Set(seen.filter((e) => e.token === 'key-writer').map((e) => e.via))).toEqual(
      new Set(['y-websocket', 'tandem', 'rest']),
    )
    const stock = seen.find((e) => e.via === 'y-websocket')!
    expect(stock.request.ip).toMatch(/127\.0\.0\.1/)
    expect(stock.request.url).toContain('keyed%2Fa')
    expect(stock.request.headers.host).toMatch(/^127\.0\.0\.1:/)
  })

  it('passes to the built-in token check when it returns undefined', async () => {
    const jwt = await rig.token({ docs: ['plain/*'] })
    expect(await stockOutcome(`${rig.relay.url}/plain%2Fx?token=${jwt}`)).toBe('open')
    expect(await stockOutcome(`${rig.relay.url}/plain%2Fx?token=not-a-jwt`)).toBe(CloseCode.Unauthorized)
  })

  it('a HookRejection refuses with its code; a throw or a hang refuses with 4401; the relay serves on', async () => {
    expect(await stockOutcome(`${rig.relay.url}/keyed%2Fa?token=key-banned`)).toBe(CloseCode.Forbidden)
    expect(await stockOutcome(`${rig.relay.url}/keyed%2Fa?token=key-bug`)).toBe(CloseCode.Unauthorized)
    expect(await stockOutcome(`${rig.relay.url}/keyed%2Fa?token=key-slow`, 1_500)).toBe(CloseCode.Unauthorized)
    const s = await tandemSocket(rig.relay)
    await s.hello('key-bug')
    expect(await s.closed).toBe(CloseCode.Unauthorized)
    const rest = await fetch(`${rig.http}/v1/docs/keyed%2Fa`, { headers: { authorization: 'Bearer key-slow' } })
    expect(rest.status).toBe(401)
    expect(rig.relay.metrics.value('tandem_hook_failures_total', { hook: 'onAuthenticate', reason: 'error' })).toBe(2)
    expect(rig.relay.metrics.value('tandem_hook_failures_total', { hook: 'onAuthenticate', reason: 'timeout' })).toBe(2)
    expect(rig.relay.metrics.value('tandem_hook_rejections_total', { hook: 'onAuthenticate' })).toBe(1)
    expect(await stockOutcome(`${rig.relay.url}/keyed%2Fa?token=key-writer`)).toBe('open')
  })
})
