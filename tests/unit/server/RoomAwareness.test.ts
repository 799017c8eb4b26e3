import { describe, expect, it } from 'vitest'
import { RoomAwareness } from '../../../server/src/docs/RoomAwareness.ts'

const entry = (clientID: number, clock: number, state: unknown) => ({ clientID, clock, state: JSON.stringify(state) })

describe('RoomAwareness', () => {
  it('keeps the newest state per client and forwards only what changed', () => {
    const aw = new RoomAwareness()
    const a = {}
    const ownedA = new Set<number>()
    expect(aw.apply(a, [entry(1, 0, { n: 'a' })], ownedA, 4)).toHaveLength(1)
    expect(aw.apply(a, [entry(1, 0, { n: 'a' })], ownedA, 4)).toHaveLength(0) // same clock: an echo
    expect(aw.apply(a, [entry(1, 1, { n: 'a2' })], ownedA, 4)).toHaveLength(1)
    expect(aw.entries()).toEqual([entry(1, 1, { n: 'a2' })])
    expect([...ownedA]).toEqual([1])
  })

  it("drops entries for another connection's clients (echoes or hijacks)", () => {
    const aw = new RoomAwareness()
    const [a, b] = [{}, {}]
    const [ownedA, ownedB] = [new Set<number>(), new Set<number>()]
    aw.apply(a, [entry(1, 0, { n: 'a' })], ownedA, 4)
    expect(aw.apply(b, [entry(1, 5, { n: 'evil' }), entry(2, 0, { n: 'b' })], ownedB, 4)).toEqual([
      entry(2, 0, { n: 'b' }),
    ])
    expect(aw.entries()).toContainEqual(entry(1, 0, { n: 'a' }))
    expect([...ownedB]).toEqual([2])
  })

  it('announces removal when a connection leaves, and a late echo does not bring the client back', () => {
    const aw = new RoomAwareness()
    const [a, b] = [{}, {}]
    const ownedA = new Set<number>()
    aw.apply(a, [entry(1, 3, { n: 'a' })], ownedA, 4)
    expect(aw.remove(ownedA)).toEqual([{ clientID: 1, clock: 4, state: 'null' }])
    expect(aw.size).toBe(0)
    expect(aw.apply(b, [entry(1, 3, { n: 'a' })], new Set(), 4)).toHaveLength(0)
    expect(aw.entries()).toEqual([])
  })

  it('refuses a connection announcing more clients than allowed', () => {
    const aw = new RoomAwareness()
    const many = [1, 2, 3, 4, 5].map((id) => entry(id, 0, {}))
    expect(() => aw.apply({}, many, new Set(), 3)).toThrow(/more than 3/)
    expect(aw.apply({}, [entry(9, 0, {})], new Set(), 3)).toHaveLength(1)
  })

  it('bounds tombstones under client id churn', () => {
    const aw = new RoomAwareness()
    for (let id = 0; id < 5000; id++) {
      const owned = new Set<number>()
      aw.apply({}, [entry(id, 0, {})], owned, 1)
      aw.remove(owned)
    }
    expect(aw.size).toBe(0)
    // Internal map size is not exposed; entries() must stay empty and apply must still work.
    expect(aw.apply({}, [entry(99_999, 0, {})], new Set(), 1)).toHaveLength(1)
  })
})
