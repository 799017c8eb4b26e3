import {
  assertValidUpdate,
  encodeAwareness,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeUpdate,
  TandemMessageType as T,
} from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { expectedCloseCode } from '../helpers/hostile.ts'
import { chance, createRng, intIn, pick, type Rng, randomBytes, testSeed, word } from '../helpers/prng.ts'
import { type HostileRig, startRig } from './rig.ts'
import {
  bytes,
  docUpdate,
  hello,
  inDoc,
  inParallel,
  NAMED_REFUSALS,
  overlongVarint,
  sendFrames,
  subscribe,
  tandem,
  varUint,
} from './sockets.ts'

/**
 * Attack 1: seeded random frames, thousands of them over hundreds of connections, on the stock
 * path and on the Tandem path. Each connection first sends a few valid frames (so the random
 * one reaches a joined room), then random ones. Replay a run with FUZZ_SEED=<seed>.
 */

const seed = testSeed('hostile random frames')
const STOCK_CONNECTIONS = 400
const TANDEM_CONNECTIONS = 300
const FRAMES_PER_CONNECTION = 8
let rig: HostileRig

beforeAll(async () => {
  rig = await startRig('random')
})
afterAll(() => rig?.close())

const emptyStateVector = Y.encodeStateVector(new Y.Doc())

/** Valid frames that change nothing: they take a connection past the first frame. */
function harmless(rng: Rng): Uint8Array {
  return pick(rng, [
    () => encodeSyncStep1(emptyStateVector),
    () => encodeQueryAwareness(),
    () => encodeUpdate(Uint8Array.from([0, 0])),
    () => encodeAwareness([{ clientID: 7_000_000 + intIn(rng, 0, 9), clock: intIn(rng, 1, 99), state: '{}' }]),
  ])()
}

/** A random base-protocol frame that the contract refuses (so it can never write anything). */
function randomBaseFrame(rng: Rng): Uint8Array {
  for (;;) {
    const body = randomBytes(rng, intIn(rng, 0, 200))
    const frame = pick(rng, [
      () => body,
      () => bytes([0, intIn(rng, 0, 3)], body),
      () => bytes([0, intIn(rng, 0, 2)], varUint(body.length), body),
      () => bytes([1], varUint(body.length), body),
      () => bytes([1], body),
      () => bytes([intIn(rng, 2, 3)], body),
      () => bytes([intIn(rng, 0, 3)], overlongVarint, body),
    ])()
    if (expectedCloseCode(frame) !== null) return frame
  }
}

function isValidUpdate(update: Uint8Array): boolean {
  try {
    assertValidUpdate(update)
    return true
  } catch {
    return false
  }
}

function randomTandemFrame(rng: Rng, victim: string): Uint8Array {
  const body = randomBytes(rng, intIn(rng, 0, 120))
  return pick(rng, [
    () => body,
    () => bytes(varUint(intIn(rng, 0, 25)), body),
    () => inDoc(pick(rng, [1, 1, 1, intIn(rng, 0, 2 ** 31)]), randomBaseFrame(rng)),
    () => (isValidUpdate(body) ? body : docUpdate(1, intIn(rng, 0, 2 ** 31), body)),
    () => subscribe(intIn(rng, 2, 50), chance(rng, 0.5) ? victim : word(rng, 0, 40)),
    () => tandem({ type: T.Unsubscribe, channel: intIn(rng, 0, 5) }),
    () => tandem({ type: T.Ping, id: intIn(rng, 0, 2 ** 31) }),
    () => tandem({ type: T.CheckIn, channel: 1, digest: randomBytes(rng, intIn(rng, 0, 40)) }),
    () => tandem({ type: T.Welcome, version: 1, heartbeatMs: 1, serverTime: 1 }),
    () => tandem({ type: T.Hello, version: intIn(rng, 0, 3), token: word(rng, 0, 20) }),
  ])()
}

it('refuses seeded random frames on the stock path, each with the code its decoding gives', async () => {
  const v = await rig.victim('victim-random-stock')
  const plan = (rng: Rng) => {
    const frames = Array.from({ length: intIn(rng, 0, 5) }, () => harmless(rng))
    const bad = randomBaseFrame(rng)
    frames.push(bad)
    while (frames.length < FRAMES_PER_CONNECTION) frames.push(randomBaseFrame(rng))
    return { frames, expected: expectedCloseCode(bad) }
  }
  const warm = createRng(seed ^ 0x5a5a)
  const before = await rig.baseline(async () => {
    await inParallel(20, 10, () => sendFrames(rig.url, 'stock', v.name, plan(warm).frames))
  })
  const rng = createRng(seed)
  const plans = Array.from({ length: STOCK_CONNECTIONS }, () => plan(rng))
  const stop = rig.sampleRss()
  const codes = await inParallel(plans.length, 25, (i) => sendFrames(rig.url, 'stock', v.name, plans[i]!.frames))
  const peak = await stop()
  const wrong = plans
    .map((p, i) => ({ i, expected: p.expected, got: codes[i], frames: p.frames.length }))
    .filter((r) => r.got !== r.expected)
  console.log(`stock: ${plans.length * FRAMES_PER_CONNECTION} frames on ${plans.length} connections`)
  expect(wrong.slice(0, 5), `seed ${seed}: ${wrong.length} connections closed with another code`).toEqual([])
  await rig.afterAttack('random frames, stock path', v, before, peak)
})

it('refuses seeded random frames on the Tandem path with named codes only', async () => {
  const v = await rig.victim('victim-random-tandem')
  const plan = (rng: Rng) => {
    const frames = chance(rng, 0.85) ? [hello(), subscribe(1, v.name)] : []
    for (let i = intIn(rng, 0, 3); i > 0; i--) frames.push(inDoc(1, harmless(rng)))
    while (frames.length < FRAMES_PER_CONNECTION - 1) frames.push(randomTandemFrame(rng, v.name))
    frames.push(bytes(overlongVarint)) // every connection ends with a frame no decoder accepts
    return frames
  }
  const warm = createRng(seed ^ 0xa5a5)
  const before = await rig.baseline(async () => {
    await inParallel(20, 10, () => sendFrames(rig.url, 'tandem', '', plan(warm)))
  })
  const rng = createRng(seed + 1)
  const plans = Array.from({ length: TANDEM_CONNECTIONS }, () => plan(rng))
  const stop = rig.sampleRss()
  const codes = await inParallel(plans.length, 25, (i) => sendFrames(rig.url, 'tandem', '', plans[i]!))
  const peak = await stop()
  const counts = new Map<number | 'open', number>()
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1)
  console.log(`tandem: ${plans.length * FRAMES_PER_CONNECTION} frames, close codes ${JSON.stringify([...counts])}`)
  const unnamed = codes.map((c, i) => ({ i, c })).filter(({ c }) => c === 'open' || !NAMED_REFUSALS.includes(c))
  expect(unnamed.slice(0, 5), `seed ${seed}: ${unnamed.length} connections without a named refusal`).toEqual([])
  await rig.afterAttack('random frames, Tandem path', v, before, peak)
})
