import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { LiveDoc } from '../../../server/src/docs/LiveDoc.ts'
import { danglingOrigin, duplicateIds, throwingUpdates } from '../../helpers/craftedUpdates.ts'
import { createRng, intIn, pick, type Rng, testSeed, word } from '../../helpers/prng.ts'

/** Random edits by several Y.Docs that sometimes sync; every update in creation order. */
function randomHistory(rng: Rng, peers: number, steps: number): Uint8Array[] {
  const docs = Array.from({ length: peers }, () => new Y.Doc())
  const updates: Uint8Array[] = []
  for (const d of docs) d.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u))
  for (let i = 0; i < steps; i++) {
    const d = pick(rng, docs)
    const text = d.getText('t')
    const op = intIn(rng, 0, 4)
    if (op <= 1 || text.length === 0) text.insert(intIn(rng, 0, text.length), word(rng, 1, 4))
    else if (op === 2) text.delete(intIn(rng, 0, text.length - 1), 1)
    else if (op === 3) d.getMap('m').set(word(rng, 1, 2), intIn(rng, 0, 100))
    else d.getArray('a').insert(0, [i])
    if (intIn(rng, 0, 1) === 1) {
      const other = pick(rng, docs)
      Y.applyUpdate(other, Y.encodeStateAsUpdate(d, Y.encodeStateVector(other)), 'sync')
    }
  }
  return updates
}

const contentOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return { t: doc.getText('t').toString(), m: doc.getMap('m').toJSON(), a: doc.getArray('a').toJSON() }
}

function baseDoc(): { client: number; base: Uint8Array } {
  const doc = new Y.Doc()
  doc.clientID = 5
  doc.getText('text').insert(0, 'hello')
  return { client: 5, base: Y.encodeStateAsUpdate(doc) }
}

describe('LiveDoc (the relay integrates every update)', () => {
  it('ends equal to a Y.Doc fed the same updates in any order, and never serves held content (seeded)', () => {
    const seed = testSeed('LiveDoc order fuzz')
    const rng = createRng(seed)
    for (let round = 0; round < 10; round++) {
      const updates = randomHistory(rng, 3, 60)
      const shuffled = [...updates]
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = intIn(rng, 0, i)
        ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
      }
      const reference = new Y.Doc()
      for (const u of updates) Y.applyUpdate(reference, u)
      const live = LiveDoc.empty()
      // a peer that only ever receives what the relay forwards
      const peer = new Y.Doc()
      for (const u of shuffled) {
        expect(live.check(u), `seed ${seed}`).toBeNull()
        const integrated = live.integrate(u)
        if (integrated) Y.applyUpdate(peer, integrated)
        // what is served integrates completely: no struct waits in a fresh doc
        const fresh = new Y.Doc()
        Y.applyUpdate(fresh, live.update())
        expect(fresh.store.pendingStructs, `seed ${seed}`).toBeNull()
      }
      expect(live.heldBytes()).toBe(0)
      expect(contentOf(live.update()), `seed ${seed}`).toEqual(contentOf(Y.encodeStateAsUpdate(reference)))
      expect(contentOf(Y.encodeStateAsUpdate(peer)), `seed ${seed}`).toEqual(contentOf(live.update()))
      expect(Y.decodeStateVector(live.getStateVector())).toEqual(Y.decodeStateVector(Y.encodeStateVector(reference)))
    }
  })

  it('refuses updates that would make Yjs throw midway, before changing anything', () => {
    const { client, base } = baseDoc()
    for (const poison of throwingUpdates(client, 5)) {
      const stock = new Y.Doc()
      Y.applyUpdate(stock, base)
      expect(() => Y.applyUpdate(stock, poison), 'the crafted update is poison for stock Yjs').toThrow()
      const { live } = LiveDoc.fromStored(base, [])
      expect(live.check(poison)).toMatch(/after itself/)
      expect(contentOf(live.update()).t).toBe('')
    }
  })

  it('holds content whose dependency is missing, serves none of it, and integrates it once it comes', () => {
    const writer = new Y.Doc()
    const updates: Uint8Array[] = []
    writer.on('update', (u: Uint8Array) => updates.push(u))
    writer.getText('t').insert(0, 'first')
    writer.getText('t').insert(5, ' second')
    const live = LiveDoc.empty()
    expect(live.integrate(updates[1]!)).toBeNull()
    expect(live.heldBytes()).toBeGreaterThan(0)
    expect(contentOf(live.update()).t).toBe('')
    expect(contentOf(live.diff(Y.encodeStateVector(new Y.Doc()))).t).toBe('')
    const integrated = live.integrate(updates[0]!)
    expect(contentOf(integrated!).t).toBe('first second')
    expect(live.heldBytes()).toBe(0)
  })

  it('repairs stored parts on load: drops what does not integrate, keeps the rest', () => {
    const client = 5
    const doc = new Y.Doc()
    doc.clientID = client
    doc.getText('text').insert(0, 'hello')
    const base = Y.encodeStateAsUpdate(doc)
    const before = Y.encodeStateVector(doc)
    doc.getText('text').insert(5, ' world')
    const good = Y.encodeStateAsUpdate(doc, before)
    const [poison] = throwingUpdates(client, 11)
    const { live, repair } = LiveDoc.fromStored(base, [poison!, good, danglingOrigin(77, 88, 40), duplicateIds(5, 2)])
    expect(repair.dropped).toBe(1)
    expect(repair.unresolvedBytes).toBeGreaterThan(0)
    expect(live.heldBytes()).toBe(0)
    const stock = new Y.Doc()
    Y.applyUpdate(stock, live.update())
    expect(stock.getText('text').toString()).toBe('hello world')
  })
})
