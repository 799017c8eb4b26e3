import {
  CloseCode,
  decodeMessage,
  encodeAwareness,
  encodePermissionDenied,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  MessageType,
  ProtocolError,
  SyncMessageType,
} from '@tandem/protocol'
import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createRng, testSeed } from '../../helpers/prng.ts'

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

describe('decodeMessage', () => {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, 'hello')
  const update = Y.encodeStateAsUpdate(doc)
  const sv = Y.encodeStateVector(doc)

  it('round-trips every message of the base protocol', () => {
    expect(decodeMessage(encodeSyncStep1(sv))).toEqual({
      type: MessageType.Sync,
      sync: SyncMessageType.Step1,
      stateVector: sv,
    })
    expect(decodeMessage(encodeSyncStep2(update))).toMatchObject({ sync: SyncMessageType.Step2, update })
    expect(decodeMessage(encodeUpdate(update))).toMatchObject({ sync: SyncMessageType.Update, update })
    expect(decodeMessage(encodeQueryAwareness())).toEqual({ type: MessageType.QueryAwareness })
    expect(decodeMessage(encodePermissionDenied('no'))).toMatchObject({ type: MessageType.Auth, reason: 'no' })
    const aw = decodeMessage(encodeAwareness([{ clientID: 7, clock: 3, state: '{"a":1}' }]))
    expect(aw.type).toBe(MessageType.Awareness)
  })

  it('matches the bytes y-protocols writes', async () => {
    const sync = await import('y-protocols/sync')
    const theirs = frame((e) => {
      encoding.writeVarUint(e, MessageType.Sync)
      sync.writeUpdate(e, update)
    })
    expect(encodeUpdate(update)).toEqual(theirs)
  })

  const bad: [string, Uint8Array][] = [
    ['empty frame', new Uint8Array()],
    ['unknown type', frame((e) => encoding.writeVarUint(e, 99))],
    ['unknown sync type', new Uint8Array([0, 7, 0])],
    ['truncated varint', new Uint8Array([0x80])],
    ['varint past 53 bits', new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    ['length prefix claiming 2^31 bytes', new Uint8Array([0, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3])],
    ['trailing bytes', new Uint8Array([...encodeQueryAwareness(), 0])],
  ]
  for (const [name, bytes] of bad) {
    it(`refuses ${name} with a ProtocolError`, () => {
      expect(() => decodeMessage(bytes)).toThrow(ProtocolError)
      try {
        decodeMessage(bytes)
      } catch (err) {
        expect((err as ProtocolError).closeCode).toBe(CloseCode.MalformedMessage)
      }
    })
  }

  it('throws nothing but ProtocolError on 20,000 random frames (seeded)', () => {
    const seed = testSeed('decodeMessage random frames')
    const gen = createRng(seed)
    for (let i = 0; i < 20_000; i++) {
      const bytes = prng.uint8Array(gen, prng.int32(gen, 0, 64))
      if (i % 2 === 0 && bytes.length > 0) bytes[0] = prng.int32(gen, 0, 3)
      try {
        decodeMessage(bytes)
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
      }
    }
  })
})
