import { afterEach, describe, expect, it, vi } from 'vitest'
import { HookRejection } from '../../../server/src/hooks/HookRejection.ts'
import { Hooks } from '../../../server/src/hooks/Hooks.ts'
import type { RelayExtension } from '../../../server/src/hooks/RelayExtension.ts'
import { createLogger } from '../../../server/src/ops/Logger.ts'
import { Metrics } from '../../../server/src/ops/Metrics.ts'

const deps = () => ({ log: createLogger('silent'), metrics: new Metrics() })
const request = { ip: '127.0.0.1', url: '/', headers: {} }
const connect = { documentName: 'd', subject: 's', readOnly: false, request, via: 'tandem' as const }

afterEach(() => vi.useRealTimers())

describe('Hooks: order and isolation across extensions', () => {
  it('runs by priority (higher first, default 100), then registration order', async () => {
    const calls: string[] = []
    const ext = (name: string, priority?: number): RelayExtension => ({
      name,
      priority,
      onConnect: () => void calls.push(`connect:${name}`),
      onChange: async () => {
        await new Promise((resolve) => setTimeout(resolve, name === 'b' ? 20 : 0))
        calls.push(`change:${name}`)
      },
    })
    const hooks = new Hooks([ext('a'), ext('b', 200), ext('c'), ext('d', 50)], deps())
    await hooks.connect(connect)
    expect(calls).toEqual(['connect:b', 'connect:a', 'connect:c', 'connect:d'])
    calls.length = 0
    // Notifications of one document run one after the other, each through every extension in order.
    for (const seq of [1, 2])
      hooks.change({ documentName: 'd', update: new Uint8Array(), seq, local: true, author: null })
    await vi.waitFor(() => expect(calls).toHaveLength(8))
    expect(calls).toEqual([...['b', 'a', 'c', 'd'], ...['b', 'a', 'c', 'd']].map((n) => `change:${n}`))
  })

  it('onAuthenticate: the first grant wins and later extensions are not asked; a refusal stops the rest', async () => {
    const asked: string[] = []
    const hooks = new Hooks(
      [
        { name: 'pass', onAuthenticate: () => void asked.push('pass') },
        {
          name: 'keys',
          onAuthenticate: ({ token }) => {
            asked.push('keys')
            if (token === 'bad') throw new HookRejection('revoked')
            return { sub: 'k', docs: ['*'], collections: [], scope: 'read' }
          },
        },
        { name: 'never', onAuthenticate: () => void asked.push('never') },
      ],
      deps(),
    )
    const verify = hooks.verifier(null)!
    expect(await verify('good', { request, via: 'rest' })).toMatchObject({ sub: 'k', exp: Number.POSITIVE_INFINITY })
    await expect(verify('bad', { request, via: 'rest' })).rejects.toThrow('revoked')
    expect(asked).toEqual(['pass', 'keys', 'pass', 'keys'])
  })

  it('a later onConnect is not asked once one refused; a failure becomes an internal-error refusal', async () => {
    const asked: string[] = []
    const hooks = new Hooks(
      [
        {
          onConnect: ({ documentName }) => {
            asked.push('first')
            if (documentName === 'no') throw new HookRejection('no')
            if (documentName === 'bug') throw new Error('bug')
          },
        },
        { onConnect: () => void asked.push('second') },
      ],
      deps(),
    )
    await expect(hooks.connect({ ...connect, documentName: 'no' })).rejects.toMatchObject({ message: 'no' })
    await expect(hooks.connect({ ...connect, documentName: 'bug' })).rejects.toMatchObject({ closeCode: 1011 })
    expect(asked).toEqual(['first', 'first'])
  })

  it('beforeBroadcastAwareness: each filter sees the previous result; null drops', () => {
    const entry = { clientID: 1, clock: 1, state: '{"a":1}' }
    const hooks = new Hooks(
      [
        { beforeBroadcastAwareness: ({ entries }) => entries.map((e) => ({ ...e, state: '{"a":2}' })) },
        { beforeBroadcastAwareness: ({ entries }) => (entries[0]!.state === '{"a":2}' ? undefined : null) },
      ],
      deps(),
    )
    expect(hooks.awareness({ documentName: 'd', subject: null, entries: [entry] })).toEqual([
      { ...entry, state: '{"a":2}' },
    ])
    const dropping = new Hooks([{ beforeBroadcastAwareness: () => null }], deps())
    expect(dropping.awareness({ documentName: 'd', subject: null, entries: [entry] })).toBeNull()
  })
})
