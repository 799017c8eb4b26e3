import {
  assertValidStateVector,
  assertValidUpdate,
  decodeAwarenessUpdate,
  decodeMessage,
  decodeTandemMessage,
  encodeAwareness,
  encodeTandemMessage,
  encodeUpdate,
  ProtocolError,
  TandemMessageType as T,
} from '@tandem/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/** Runs `decode` and passes only if it returns or throws a ProtocolError. */
function decodesOrRefuses(decode: (bytes: Uint8Array) => unknown, bytes: Uint8Array): boolean {
  try {
    decode(bytes)
    return true
  } catch (err) {
    return err instanceof ProtocolError
  }
}

// Random bytes, and valid frames with bytes flipped, cut or appended: the second kind reaches
// deep into the decoders, where plain random bytes rarely get.
const validFrames = [
  encodeUpdate(new Uint8Array([1, 1, 5, 0, 4, 1, 1, 116, 1, 104, 0])),
  encodeAwareness([{ clientID: 3, clock: 2, state: '{"user":{"name":"a"}}' }]),
  encodeTandemMessage({ type: T.DocUpdate, channel: 1, seq: 2, update: new Uint8Array([0, 0]) }),
  encodeTandemMessage({ type: T.Subscribe, channel: 4, doc: 'notes' }),
]
const mutated = fc
  .tuple(
    fc.constantFrom(...validFrames),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.nat(),
    fc.uint8Array({ maxLength: 8 }),
  )
  .map(([frame, flips, cut, tail]) => {
    const bytes = frame.slice(0, Math.max(1, frame.length - (cut % 3)))
    for (const [at, value] of flips) bytes[at % bytes.length] = value
    return new Uint8Array([...bytes, ...tail])
  })
const input = fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated)

describe('protocol decoders under fast-check: decode, or refuse with ProtocolError, never anything else', () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ['decodeMessage', decodeMessage],
    ['decodeTandemMessage', decodeTandemMessage],
    ['decodeAwarenessUpdate', (b) => decodeAwarenessUpdate(b, 64, 4096)],
    ['assertValidUpdate', assertValidUpdate],
    ['assertValidStateVector', assertValidStateVector],
  ]
  for (const [name, decode] of decoders) {
    it(name, () => {
      fc.assert(
        fc.property(input, (bytes) => decodesOrRefuses(decode, bytes)),
        { numRuns: 3_000 },
      )
    })
  }

  it('round-trips every Tandem message', () => {
    const message = fc.oneof(
      fc.record({ type: fc.constant(T.Hello as const), version: fc.nat(), token: fc.string() }),
      fc.record({ type: fc.constant(T.Subscribe as const), channel: fc.nat(), doc: fc.string() }),
      fc.record({ type: fc.constant(T.Ack as const), channel: fc.nat(), seq: fc.nat() }),
      fc.record({ type: fc.constant(T.VersionsChanged as const), channel: fc.nat(), version: fc.nat() }),
      fc.record({ type: fc.constant(T.DocUpdate as const), channel: fc.nat(), seq: fc.nat(), update: fc.uint8Array() }),
      fc.record({
        type: fc.constant(T.CheckInResult as const),
        channel: fc.nat(),
        match: fc.boolean(),
        digest: fc.uint8Array(),
      }),
    )
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeTandemMessage(encodeTandemMessage(m))).toEqual(m)
      }),
      { numRuns: 1_000 },
    )
  })
})
