// The shared engine (the SharedWorker's socket) in Node: tabs are Tandem clients whose
// transport is a MessageChannel to one EngineHost, the relay is real and so is the socket.
// The Chromium suite (tests/browser/sharedWorker.test.ts) runs the same engine in a real
// SharedWorker with real tabs; this one reaches the orders a browser makes hard to force.
import { EngineHost, type Tandem } from '@tandem/client'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startAuthRelay } from '../auth/authRig.ts'
import { serverText } from '../helpers/client.ts'
import { chance, createRng, intIn, pick, testSeed } from '../helpers/prng.ts'
import { startTestRelay } from '../helpers/relay.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const NodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A "tab": a Tandem client whose socket is the engine's. */
function tab(host: EngineHost, url: string, options: Parameters<typeof tandemClient>[1] = {}): Tandem {
  const t = tandemClient(url, {
    sharedWorker: () => {
      const { port1, port2 } = new MessageChannel()
      host.connect(port2)
      return { port: port1 }
    },
    ...options,
  })
  cleanups.push(() => t.destroy())
  return t
}

const text = (t: Tandem, doc: string) => t.doc(doc).doc.getText('t').toString()

describe('shared engine: every tab on one socket', () => {
  it('three tabs sync documents and records through one connection', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const tabs = [tab(host, relay.url), tab(host, relay.url), tab(host, relay.url)]
    for (const [i, t] of tabs.entries()) t.doc('shared').doc.getText('t').insert(0, `[${i}]`)
    await Promise.all(tabs.map((t) => t.doc('shared').whenSaved()))
    expect(relay.relay.stats().connections).toBe(1)
    expect(host.hubCount()).toBe(1)
    // Cross-tab is off: what one tab shows of another's edit came back over the socket.
    await waitUntil('every tab has all three edits', () => tabs.every((t) => text(t, 'shared').length === 9))
    expect(new Set(tabs.map((t) => text(t, 'shared'))).size).toBe(1)
    expect(await serverText(relay.url, 'shared')).toBe(text(tabs[0]!, 'shared'))

    await tabs[1]!.records('tasks').put('t1', { title: 'from tab 1' })
    await waitUntil('tab 2 gets the record', () => tabs[2]!.records('tasks').get('t1')?.title === 'from tab 1')
    await waitUntil('only the engine’s socket is left', () => relay.relay.stats().connections === 1)
  })

  it('one tab’s offline switch leaves the others online; its offline edits sync when it is back', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const [a, b] = [tab(host, relay.url), tab(host, relay.url)]
    await Promise.all([a.doc('switch').whenSaved(), b.doc('switch').whenSaved()])
    a.setOnline(false)
    expect(a.connection.value).toBe('offline')
    a.doc('switch').doc.getText('t').insert(0, 'offline in a. ')
    b.doc('switch').doc.getText('t').insert(0, 'online in b. ')
    await b.doc('switch').whenSaved()
    expect(b.connection.value).toBe('connected')
    expect(a.doc('switch').status.value).toMatchObject({ state: 'offline', pending: 1 })
    expect(text(a, 'switch')).toBe('offline in a. ')
    a.setOnline(true)
    await a.doc('switch').whenSaved()
    await waitUntil(
      'both tabs converge',
      () => text(a, 'switch') === text(b, 'switch') && text(a, 'switch').length > 20,
    )
    expect(relay.relay.stats().connections).toBe(1)
  })

  it('a tab that leaves takes its presence with it; the last one closes the socket', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const a = tab(host, relay.url, { user: { name: 'Ada', color: '#f00' } })
    const b = tab(host, relay.url, { user: { name: 'Bob', color: '#00f' } })
    const names = (t: Tandem) =>
      [...t.doc('presence').awareness.getStates().values()].map((s) => (s.user as { name: string } | undefined)?.name)
    await Promise.all([a.doc('presence').whenSaved(), b.doc('presence').whenSaved()])
    await waitUntil('B sees Ada', () => names(b).includes('Ada'))
    a.destroy()
    await waitUntil('Ada is gone for B', () => !names(b).includes('Ada'))
    b.doc('presence').doc.getText('t').insert(0, 'still here')
    await b.doc('presence').whenSaved()
    expect(relay.relay.stats().connections).toBe(1)
    b.destroy()
    await waitUntil('the socket closes with the last tab', () => relay.relay.stats().connections === 0)
    expect(host.hubCount()).toBe(0)
  })

  it('a relay restart mid-edit: every tab resyncs over the one new socket, nothing lost', async () => {
    const first = await startTestRelay()
    const port = Number(new URL(first.url).port)
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const tabs = [tab(host, first.url), tab(host, first.url)]
    await Promise.all(tabs.map((t) => t.doc('restart').whenSaved()))
    tabs[0]!.doc('restart').doc.getText('t').insert(0, 'before. ')
    await tabs[0]!.doc('restart').whenSaved()
    await first.relay.close()
    await waitUntil('tabs see the socket gone', () => tabs.every((t) => t.connection.value !== 'connected'))
    tabs[1]!.doc('restart').doc.getText('t').insert(0, 'while down. ')
    const second = await startTestRelay({ port }, first.dataDir)
    cleanups.push(() => second.stop())
    await Promise.all(tabs.map((t) => t.doc('restart').whenSaved()))
    await waitUntil('converged', () => tabs.every((t) => text(t, 'restart') === 'while down. before. '))
    expect(second.relay.stats().connections).toBe(1)
  })

  it('an engine that stops answering is replaced: the tab reconnects through a fresh one and loses nothing', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const hosts: EngineHost[] = []
    const enginePorts: MessagePort[] = []
    const errors: string[] = []
    const t = tandemClient(relay.url, {
      sharedWorker: () => {
        const host = new EngineHost({ WebSocket: NodeWebSocket })
        const { port1, port2 } = new MessageChannel()
        host.connect(port2)
        hosts.push(host)
        enginePorts.push(port2)
        return { port: port1 }
      },
      transport: { pingMs: 50, deadAfterMs: 400, backoff: { baseMs: 50, capMs: 200 } },
      onError: (e) => errors.push(e.message),
    })
    cleanups.push(() => t.destroy())
    const h = t.doc('engine-crash')
    h.doc.getText('t').insert(0, 'before. ')
    await h.whenSaved()
    // The engine's process is gone: nothing it is sent arrives, nothing comes back.
    enginePorts[0]!.onmessage = null
    enginePorts[0]!.postMessage = () => {}
    h.doc.getText('t').insert(h.doc.getText('t').length, 'after.')
    await waitUntil('a second engine is started', () => hosts.length === 2, { timeoutMs: 5_000 })
    await h.whenSaved()
    expect(errors.some((e) => /stopped answering/.test(e))).toBe(true)
    expect(await serverText(relay.url, 'engine-crash')).toBe('before. after.')
  })

  it('an engine of another release refuses the tab, which falls back to a socket of its own', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    // The engine side of a hello from another version, as EngineHost answers it.
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const { port1, port2 } = new MessageChannel()
    cleanups.push(() => port1.close())
    host.connect(port2)
    const answer = new Promise<{ t: string; reason: string }>((resolve) => {
      port1.onmessage = (event) => resolve(event.data)
    })
    port1.postMessage({ t: 'hello', v: 99, tab: 'old', url: relay.url, tuning: {}, hasToken: false, gen: 0 })
    expect(await answer).toEqual({ t: 'refused', reason: 'this shared worker speaks engine protocol 1, the tab 99' })

    // A tab meeting such an engine: every channel moves to its own socket, nothing is lost.
    const errors: string[] = []
    const t = tandemClient(relay.url, {
      sharedWorker: () => {
        const pair = new MessageChannel()
        pair.port2.onmessage = (event) => {
          if (event.data?.t === 'hello') pair.port2.postMessage({ t: 'refused', reason: 'engine protocol 2' })
        }
        cleanups.push(() => pair.port2.close())
        return { port: pair.port1 }
      },
      onError: (e) => errors.push(e.message),
    })
    cleanups.push(() => t.destroy())
    const h = t.doc('refused')
    h.doc.getText('t').insert(0, 'typed before the refusal')
    await h.whenSaved()
    await t.records('refused-tasks').put('a', { title: 'a record too' })
    await waitUntil('the record is acked', () => t.records('refused-tasks').status.value.pending === 0)
    expect(errors.some((e) => /refused this tab \(engine protocol 2\); using a socket of this tab/.test(e))).toBe(true)
    expect(relay.relay.stats().connections).toBe(1)
    t.setOnline(false)
    expect(t.connection.value).toBe('offline')
    h.doc.getText('t').insert(0, 'offline. ')
    t.setOnline(true)
    await h.whenSaved()
    expect(await serverText(relay.url, 'refused')).toBe('offline. typed before the refusal')
  })

  it('tokens come from the tabs; a tab whose getToken fails is passed over for the next', async () => {
    const rig = await startAuthRelay()
    cleanups.push(() => rig.close())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const failing = tab(host, rig.relay.url, {
      getToken: () => Promise.reject(new Error('signed out in this tab')),
      onError: () => {},
    })
    const good = tab(host, rig.relay.url, { getToken: () => rig.token({ docs: ['*'] }) })
    good.doc('authed').doc.getText('t').insert(0, 'with a token')
    await good.doc('authed').whenSaved()
    await failing.doc('authed').whenSaved()
    expect(text(failing, 'authed')).toBe('with a token')
    expect(rig.relay.stats().connections).toBe(1)
  })

  it('a malformed message on one port is answered with an error and harms no other tab', async () => {
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    const good = tab(host, relay.url)
    await good.doc('hostile').whenSaved()
    const { port1, port2 } = new MessageChannel()
    cleanups.push(() => port1.close())
    host.connect(port2)
    const errors: string[] = []
    port1.onmessage = (event) => {
      if (event.data?.t === 'error') errors.push(event.data.message)
    }
    port1.postMessage('not an object')
    port1.postMessage({ t: 'open', channel: 1, subject: { kind: 'doc', doc: 'x' } })
    port1.postMessage({ t: 'hello', v: 1, tab: 'x', url: 'http://elsewhere', tuning: {}, hasToken: false })
    port1.postMessage({ t: 'hello', v: 1, tab: 'x', url: relay.url, tuning: {}, hasToken: false })
    port1.postMessage({ t: 'send', m: { type: 2, channel: 1, doc: 'someone-else' } })
    port1.postMessage({ t: 'hello', v: 1, tab: 'x', url: relay.url, tuning: {}, hasToken: false })
    // A subject the socket could not encode would throw later, while every tab's channels are
    // resubscribed: it is refused when it arrives.
    port1.postMessage({ t: 'open', channel: 2, subject: { kind: 'doc', doc: 42 } })
    port1.postMessage({ t: 'open', channel: 3, subject: { kind: 'records', collection: 'c', token: 'a' } })
    port1.postMessage({ t: 'token', channel: 3, token: { not: 'a string' } })
    await waitUntil('seven errors', () => errors.length === 7)
    expect(errors.join('\n')).toMatch(
      /not an engine message[\s\S]*expected hello[\s\S]*bad server URL[\s\S]*cannot send[\s\S]*hello sent twice[\s\S]*channel subject[\s\S]*must be a string/,
    )
    // Resubscribed after a restart, the hostile port's channels and all.
    await relay.relay.close()
    const again = await startTestRelay({ port: Number(new URL(relay.url).port) }, relay.dataDir)
    cleanups.push(() => again.stop())
    good.doc('hostile').doc.getText('t').insert(0, 'unharmed')
    await good.doc('hostile').whenSaved()
    expect(again.relay.stats().connections).toBe(1)
  })

  it('a random schedule of edits, offline switches, tabs leaving and joining converges with nothing lost (seeded)', async () => {
    const seed = testSeed('shared engine schedule', 'ENGINE_SEED')
    const rng = createRng(seed)
    const relay = await startTestRelay()
    cleanups.push(() => relay.stop())
    const host = new EngineHost({ WebSocket: NodeWebSocket })
    let live = [tab(host, relay.url), tab(host, relay.url), tab(host, relay.url)]
    const written: string[] = []
    for (let step = 0; step < 60; step++) {
      const t = pick(rng, live)
      const roll = intIn(rng, 0, 9)
      if (roll < 6) {
        const token = `<${step}>`
        const ytext = t.doc('fuzz').doc.getText('t')
        // At either end, so no token is split by another and each can be looked for whole.
        ytext.insert(chance(rng, 0.5) ? 0 : ytext.length, token)
        written.push(token)
      } else if (roll < 8) {
        t.setOnline(t.connection.value === 'offline' && chance(rng, 0.9))
      } else if (roll === 8 && live.length > 1) {
        // A tab leaves once what it wrote is on the server: its store is memory, gone with it.
        t.setOnline(true)
        await t.doc('fuzz').whenSaved()
        t.destroy()
        live = live.filter((x) => x !== t)
      } else {
        live.push(tab(host, relay.url))
      }
      if (chance(rng, 0.3)) await sleep(intIn(rng, 0, 20))
    }
    for (const t of live) t.setOnline(true)
    await Promise.all(live.map((t) => t.doc('fuzz').whenSaved()))
    await waitUntil(`converged (seed ${seed})`, () => new Set(live.map((t) => text(t, 'fuzz'))).size === 1)
    const merged = text(live[0]!, 'fuzz')
    for (const token of written) expect(merged, `seed ${seed}: ${token} lost`).toContain(token)
    expect(relay.relay.stats().connections).toBe(1)
  })
})
