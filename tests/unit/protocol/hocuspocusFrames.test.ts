import {
  decodeHocuspocusFrame,
  encodeHocuspocusDoc,
  encodeSyncStep1,
  HocuspocusMessageType as H,
  ProtocolError,
} from '@tandem/protocol'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { createRng, intIn, randomBytes, testSeed } from '../../helpers/prng.ts'

const authFrame = (doc: string, token: string, version?: string) => {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, doc)
  encoding.writeVarUint(e, H.Auth)
  encoding.writeVarUint(e, 0)
  encoding.writeVarString(e, token)
  if (version !== undefined) encoding.writeVarString(e, version)
  return encoding.toUint8Array(e)
}

describe('Hocuspocus frames', () => {
  it('decodes what providers send: Auth with and without a version, documents, Pong', () => {
    expect(decodeHocuspocusFrame(authFrame('a/b', 'tok', '4.7.0'))).toEqual({ type: H.Auth, doc: 'a/b', token: 'tok' })
    expect(decodeHocuspocusFrame(authFrame('a', ''))).toEqual({ type: H.Auth, doc: 'a', token: '' })
    const step1 = encodeSyncStep1(new Uint8Array([0]))
    expect(decodeHocuspocusFrame(encodeHocuspocusDoc('d', step1))).toMatchObject({ type: H.Sync, doc: 'd' })
    expect(decodeHocuspocusFrame(Uint8Array.of(H.Pong))).toEqual({ type: H.Pong })
  })

  it('throws nothing but ProtocolError on 20,000 random frames (seeded)', () => {
    const seed = testSeed('hocuspocus frames')
    const rng = createRng(seed)
    for (let i = 0; i < 20_000; i++) {
      const frame = randomBytes(rng, intIn(rng, 0, 40))
      try {
        decodeHocuspocusFrame(frame)
      } catch (err) {
        expect(err, `seed ${seed}, frame ${i}`).toBeInstanceOf(ProtocolError)
      }
    }
  })
})
