import * as prng from 'lib0/prng'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocState } from '../../../server/src/DocState.ts'
import { createRng, testSeed } from '../../helpers/prng.ts'

/** Random edits by several Y.Docs; returns every update in creation order. */
function randomHistory(gen: prng.PRNG, peers: number, steps: number): Uint8Array[] {
  const docs = Array.from({ length: peers }, () => new Y.Doc())
  const updates: Uint8Array[] = []
  for (const d of docs) d.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u))
  for (let i = 0; i < steps; i++) {
    const d = prng.oneOf(gen, docs)
    const text = d.getText('t')
    const op = prng.int32(gen, 0, 4)
    if (op <= 1 || text.length === 0) text.insert(prng.int32(gen, 0, text.length), prng.word(gen, 1, 4))
    else if (op === 2) text.delete(prng.int32(gen, 0, text.length - 1), 1)
    else if (op === 3) d.getMap('m').set(prng.word(gen, 1, 2), prng.int32(gen, 0, 100))
    else d.getArray('a').insert(0, [i])
    // Peers sometimes sync, so later edits depend on others' structs.
    if (prng.bool(gen)) {
      const other = prng.oneOf(gen, docs)
      Y.applyUpdate(other, Y.encodeStateAsUpdate(d, Y.encodeStateVector(other)), 'sync')
    }
  }
  return updates
}

function contentOf(update: Uint8Array) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return { t: doc.getText('t').toString(), m: doc.getMap('m').toJSON(), a: doc.getArray('a').toJSON() }
}

describe('DocState (merged update bytes instead of a Y.Doc)', () => {
  it('holds the same document as a Y.Doc fed the same updates in any order (seeded)', () => {
    const seed = testSeed('DocState random histories')
    const gen = createRng(seed)
    for (let round = 0; round < 20; round++) {
      const updates = randomHistory(gen, 3, 60)
      const shuffled = [...updates]
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = prng.int32(gen, 0, i)
        ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
      }
      const reference = new Y.Doc()
      for (const u of updates) Y.applyUpdate(reference, u)
      const split = prng.int32(gen, 0, shuffled.length)
      const state = new DocState(shuffled.slice(0, split))
      for (const u of shuffled.slice(split)) state.add(u)
      expect(contentOf(state.update())).toEqual(contentOf(Y.encodeStateAsUpdate(reference)))
      expect(Y.decodeStateVector(state.getStateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(reference)))
      // A peer holding a prefix gets exactly what it lacks from diff().
      const peer = new Y.Doc()
      for (const u of updates.slice(0, split)) Y.applyUpdate(peer, u)
      Y.applyUpdate(peer, state.diff(Y.encodeStateVector(peer)))
      expect(contentOf(Y.encodeStateAsUpdate(peer))).toEqual(contentOf(Y.encodeStateAsUpdate(reference)))
    }
  })

  it('serves a fresh client (empty state vector) the stored bytes without re-encoding', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'x'.repeat(100))
    const stored = Y.encodeStateAsUpdate(doc)
    const state = new DocState([stored])
    expect(state.diff(Y.encodeStateVector(new Y.Doc()))).toBe(stored)
    expect(new DocState([]).update()).toEqual(Y.mergeUpdates([]))
  })
})
