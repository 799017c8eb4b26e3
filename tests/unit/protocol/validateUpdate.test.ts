import { assertValidStateVector, assertValidUpdate, CloseCode, ProtocolError } from '@tandem/protocol'
import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createRng, testSeed } from '../../helpers/prng.ts'

describe('assertValidUpdate', () => {
  it('accepts real updates of every shared type', () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getText('t').insert(0, 'héllo 🌍')
    doc.getMap('m').set('k', { nested: [1, 'two', null] })
    doc.getArray('a').push([new Uint8Array([1, 2]), 3])
    doc.getText('t').delete(1, 2)
    doc.getXmlFragment('x').insert(0, [new Y.XmlElement('p')])
    for (const u of updates) expect(() => assertValidUpdate(u)).not.toThrow()
    expect(() => assertValidUpdate(Y.encodeStateAsUpdate(doc))).not.toThrow()
    expect(() => assertValidStateVector(Y.encodeStateVector(doc))).not.toThrow()
  })

  it('refuses truncated updates and garbage with close code InvalidUpdate', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'some text that makes the update long enough')
    const update = Y.encodeStateAsUpdate(doc)
    for (let cut = 1; cut < update.length - 1; cut++) {
      const truncated = update.slice(0, cut)
      let threw = false
      try {
        assertValidUpdate(truncated)
      } catch (err) {
        threw = true
        expect(err).toBeInstanceOf(ProtocolError)
        expect((err as ProtocolError).closeCode).toBe(CloseCode.InvalidUpdate)
      }
      // A prefix may happen to parse; most must not.
      if (cut === 3) expect(threw).toBe(true)
    }
  })

  it('throws only ProtocolError for 20,000 random byte strings (seeded)', () => {
    const seed = testSeed('assertValidUpdate random bytes')
    const gen = createRng(seed)
    let refused = 0
    for (let i = 0; i < 20_000; i++) {
      try {
        assertValidUpdate(prng.uint8Array(gen, prng.int32(gen, 1, 48)))
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError)
        refused++
      }
    }
    expect(refused).toBeGreaterThan(15_000)
  })
})
