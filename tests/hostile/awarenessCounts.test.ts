import { type AwarenessEntry, CloseCode, encodeAwareness, encodeAwarenessFrame } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { connectClient, syncedClient } from '../helpers/client.ts'
import { sleep, waitUntil, withTimeout } from '../helpers/wait.ts'
import { type HostileRig, startRig } from './rig.ts'
import { bytes, hello, inDoc, inParallel, openHostile, sendFrames, subscribe, varUint } from './sockets.ts'

/**
 * Attack 4: absurd awareness counts and sizes. Counts claiming 2^31..2^53 entries, thousands of
 * real entries in one frame and across many connections, states of megabytes of JSON (flat and
 * nested). Each refused frame closes its connection with its named code; presence the relay
 * accepted disappears when its connections close, so no attacker entry outlives the attack.
 */

let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('awareness')
})
afterAll(() => rig?.close())

const ATTACKER = 50_000_000
const CROWD = 40
/** Legitimate clients pick random 32-bit ids, which may fall in the attackers' range. */
const legit = new Set<number>()
const isAttacker = (id: number) => id >= ATTACKER && id < ATTACKER + 40_000_000 && !legit.has(id)
const MB = 1024 * 1024

/** Each case gets client ids of its own, so no case meets another's (or its tombstones). */
function absurd(base: number): { frame: Uint8Array; code: number }[] {
  let next = base
  const entries = (n: number, state = '{}'): AwarenessEntry[] => {
    next += 10_000
    return Array.from({ length: n }, (_, i) => ({ clientID: next + i, clock: 1, state }))
  }
  const real = encodeAwareness(entries(3)).subarray(2) // the 3 entries without frame type and count
  return [
    ...[2 ** 31, 2 ** 32, 2 ** 53 - 1].flatMap((n) => [
      { frame: encodeAwarenessFrame(varUint(n)), code: CloseCode.MalformedMessage },
      { frame: encodeAwarenessFrame(bytes(varUint(n), real)), code: CloseCode.MalformedMessage },
    ]),
    { frame: encodeAwarenessFrame(bytes(varUint(4096), real)), code: CloseCode.MalformedMessage }, // says 4096, has 3
    { frame: encodeAwareness(entries(5_000)), code: CloseCode.LimitExceeded }, // over 16 clients per connection
    { frame: encodeAwareness(entries(4_096)), code: CloseCode.LimitExceeded }, // over 16 clients per connection
    { frame: encodeAwareness(entries(17)), code: CloseCode.LimitExceeded },
    { frame: encodeAwareness(entries(1, `"${'x'.repeat(MB)}"`)), code: CloseCode.LimitExceeded },
    { frame: encodeAwareness(entries(64, `{"a":"${'y'.repeat(16 * 1024)}"}`)), code: CloseCode.LimitExceeded },
    { frame: encodeAwareness(entries(1, '['.repeat(MB) + ']'.repeat(MB))), code: CloseCode.LimitExceeded },
    // Refused for its size before anyone parses it.
    { frame: encodeAwareness(entries(1, `{"a":${'['.repeat(MB)}`)), code: CloseCode.LimitExceeded },
    { frame: encodeAwarenessFrame(bytes([1, 1, 1], varUint(2 ** 31), [0x7b])), code: CloseCode.MalformedMessage },
  ]
}

it('refuses absurd awareness counts and sizes with named codes, on both paths', async () => {
  const v = await rig.victim('victim-awareness-absurd')
  const cases = absurd(ATTACKER)
  const tandemCases = absurd(ATTACKER + 10_000_000)
  const tandemFrames = (f: Uint8Array) => [hello(), subscribe(1, v.name), inDoc(1, f)]
  const before = await rig.baseline(async () => {
    for (const c of absurd(ATTACKER + 20_000_000)) await sendFrames(rig.url, 'stock', v.name, [c.frame])
  })
  const stop = rig.sampleRss()
  const stock = await inParallel(cases.length, 4, (i) => sendFrames(rig.url, 'stock', v.name, [cases[i]!.frame]))
  const viaTandem = await inParallel(tandemCases.length, 4, (i) =>
    sendFrames(rig.url, 'tandem', '', tandemFrames(tandemCases[i]!.frame)),
  )
  const peak = await stop()
  console.log(`awareness: ${cases.length * 2} absurd frames (counts up to 2^53, 4096 real entries, 1 MiB states)`)
  expect(stock).toEqual(cases.map((c) => c.code))
  expect(viaTandem).toEqual(tandemCases.map((c) => c.code))
  const late = await syncedClient(rig.url, v.name)
  legit.add(late.doc.clientID).add(v.watcher.doc.clientID)
  await sleep(300)
  const left = [...late.provider.awareness.getStates().keys()].filter(isAttacker)
  late.destroy()
  expect(left, 'presence of refused connections outlived them').toEqual([])
  await rig.afterAttack('absurd awareness', v, before, peak)
})

it('keeps a room whose presence was filled by many connections usable for stock clients', async () => {
  const v = await rig.victim('victim-awareness-crowd')
  const pad = `{"pad":"${'z'.repeat(500)}"}`
  const join = async (i: number) => {
    const h = await openHostile(rig.url, 'stock', v.name)
    const own = Array.from({ length: 16 }, (_, k) => ({ clientID: ATTACKER + i * 16 + k, clock: 1, state: pad }))
    h.ws.send(encodeAwareness(own))
    return h
  }
  const before = await rig.baseline(async () => {
    for (const h of await inParallel(4, 4, (i) => join(1000 + i))) h.ws.close()
  })
  const stop = rig.sampleRss()
  // CROWD connections, each within every per-connection limit: 16 clients of 512 bytes
  const crowd = await inParallel(CROWD, 20, (i) => join(i))
  const observer = connectClient(rig.url, v.name)
  legit.add(observer.doc.clientID).add(v.watcher.doc.clientID)
  const closes: string[] = []
  observer.provider.on('connection-close', (e) => closes.push(`${e?.code} ${e?.reason}`))
  await withTimeout('the observer to sync', observer.synced, 10_000)
  const attackers = () => [...observer.provider.awareness.getStates().keys()].filter(isAttacker).length
  const sawAll = await waitUntil('a joining stock client sees the whole room', () => attackers() === CROWD * 16, {
    timeoutMs: 3_000,
  }).then(
    () => true,
    () => false,
  )
  await sleep(500)
  // soft: the rest of the checks still run and report their numbers
  expect.soft(closes, 'the relay closed a stock client that joined a busy room').toEqual([])
  const observerCloses = [...closes] // destroy() below reports a close of its own
  expect.soft(sawAll, `the joining client saw ${attackers()} of ${CROWD * 16} presence states`).toBe(true)
  for (const h of crowd) h.ws.close()
  const watcherStates = () => [...v.watcher.provider.awareness.getStates().keys()].filter(isAttacker).length
  await waitUntil('the crowd presence is removed', () => watcherStates() === 0, { timeoutMs: 5_000 })
  observer.destroy()
  const peak = await stop()
  console.log(
    `awareness: ${CROWD * 16} legal presence entries from ${CROWD} connections; observer closes ${JSON.stringify(observerCloses)}`,
  )
  await rig.afterAttack('awareness crowd', v, before, peak)
})
