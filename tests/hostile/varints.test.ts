import { CloseCode, encodeAwareness, encodeSyncStep1, encodeUpdate, TandemMessageType as T } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { expectedCloseCode } from '../helpers/hostile.ts'
import { type HostileRig, startRig } from './rig.ts'
import {
  bytes,
  docUpdate,
  hello,
  inDoc,
  inParallel,
  overlongVarint,
  sendFrames,
  subscribe,
  varUint,
} from './sockets.ts'

/**
 * Attack 2: every prefix of real frames (truncated varints and lengths), and varints that are
 * too long (over 53 bits) or claim lengths of 2^31..2^53 at every varint position, on both
 * paths. Each frame on its own connection; each must close it with MalformedMessage (4400),
 * or InvalidUpdate (4422) when the bad varint is inside a Yjs update.
 */

let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('varints')
})
afterAll(() => rig?.close())

const doc = new Y.Doc()
doc.getText('t').insert(0, 'real content for real varints')
doc.getMap('m').set('k', { nested: [1, 2, 3] })
const update = Y.encodeStateAsUpdate(doc)
const stateVector = Y.encodeStateVector(doc)
const awareness = encodeAwareness([{ clientID: 2 ** 30, clock: 300, state: '{"user":{"name":"x"}}' }])
const prefixes = (frame: Uint8Array) => Array.from({ length: frame.length }, (_, n) => frame.subarray(0, n))
const HUGE = [2 ** 31, 2 ** 32, 2 ** 53 - 1]

function stockFrames(): Uint8Array[] {
  const oversized = [
    bytes(overlongVarint),
    bytes([0], overlongVarint),
    bytes([0, 2], overlongVarint, [1, 2, 3]),
    bytes([1], overlongVarint),
    bytes([1, 20], overlongVarint),
    bytes([1, 20, 1], overlongVarint),
    bytes([1, 20, 1, 0x81, 0x01, 1], overlongVarint),
    ...HUGE.flatMap((n) => [
      bytes([0, 0], varUint(n), [0]),
      bytes([0, 2], varUint(n), [0, 0]),
      bytes([1], varUint(n), [1]),
      bytes(varUint(n)),
      bytes([0], varUint(n), [0]),
      bytes([1, 7], varUint(n), [1, 1, 0x7b, 0x7d]),
      bytes([1, 8, 1, 1, 1], varUint(n), [0x7b]),
    ]),
  ]
  return [
    ...prefixes(encodeSyncStep1(stateVector)),
    ...prefixes(encodeUpdate(update)),
    ...prefixes(awareness),
    ...oversized,
  ]
}

function tandemFrames(): { frames: Uint8Array[]; code: number }[] {
  const malformed = [
    ...[subscribe(1, 'x'), inDoc(1, encodeUpdate(update)), docUpdate(1, 9, update)].flatMap(prefixes),
    bytes(overlongVarint),
    bytes([T.Subscribe], overlongVarint, [1, 0x78]),
    bytes([T.Doc], overlongVarint, [1, 0]),
    bytes([T.DocUpdate, 1], overlongVarint, [2, 0, 0]),
    ...HUGE.flatMap((n) => [bytes([T.Doc, 1], varUint(n), [0]), bytes([T.Subscribe, 2], varUint(n), [0x78])]),
    ...HUGE.map((n) => inDoc(1, bytes([0, 2], varUint(n), [0, 0]))),
    inDoc(1, bytes([0, 2], overlongVarint)),
  ]
  const invalidUpdates = [
    docUpdate(1, 1, bytes(overlongVarint)),
    docUpdate(1, 1, bytes([1], overlongVarint)),
    ...HUGE.map((n) => docUpdate(1, 1, bytes(varUint(n), [1, 2, 3]))),
  ]
  const opened = [hello(), subscribe(1, 'victim-varints-tandem')]
  return [
    ...prefixes(hello()).map((f) => ({ frames: [f], code: CloseCode.MalformedMessage })),
    ...malformed.map((f) => ({ frames: [...opened, f], code: CloseCode.MalformedMessage })),
    ...invalidUpdates.map((f) => ({ frames: [...opened, f], code: CloseCode.InvalidUpdate })),
  ]
}

it('closes truncated and oversized varints on the stock path with MalformedMessage', async () => {
  const v = await rig.victim('victim-varints-stock')
  const frames = stockFrames()
  for (const f of frames) expect(expectedCloseCode(f), 'test premise: a refused frame').not.toBeNull()
  const before = await rig.baseline(async () => {
    await inParallel(30, 10, (i) => sendFrames(rig.url, 'stock', v.name, [frames[i]!]))
  })
  const stop = rig.sampleRss()
  const codes = await inParallel(frames.length, 25, (i) => sendFrames(rig.url, 'stock', v.name, [frames[i]!]))
  const peak = await stop()
  console.log(`stock: ${frames.length} frames with truncated or oversized varints`)
  const wrong = frames
    .map((f, i) => ({
      frame: Buffer.from(f.subarray(0, 24)).toString('hex'),
      want: expectedCloseCode(f),
      got: codes[i],
    }))
    .filter((r) => r.got !== r.want)
  expect(wrong.slice(0, 5), `${wrong.length} frames closed with another code`).toEqual([])
  await rig.afterAttack('varints, stock path', v, before, peak)
})

it('closes truncated and oversized varints on the Tandem path with MalformedMessage or InvalidUpdate', async () => {
  const v = await rig.victim('victim-varints-tandem')
  const cases = tandemFrames()
  const before = await rig.baseline(async () => {
    await inParallel(30, 10, (i) => sendFrames(rig.url, 'tandem', '', cases[i]!.frames))
  })
  const stop = rig.sampleRss()
  const codes = await inParallel(cases.length, 25, (i) => sendFrames(rig.url, 'tandem', '', cases[i]!.frames))
  const peak = await stop()
  console.log(`tandem: ${cases.length} frames with truncated or oversized varints`)
  const wrong = cases
    .map((c, i) => ({
      frame: Buffer.from(c.frames.at(-1)!.subarray(0, 24)).toString('hex'),
      want: c.code,
      got: codes[i],
    }))
    .filter((r) => r.got !== r.want)
  expect(wrong.slice(0, 5), `${wrong.length} frames closed with another code`).toEqual([])
  await rig.afterAttack('varints, Tandem path', v, before, peak)
})
