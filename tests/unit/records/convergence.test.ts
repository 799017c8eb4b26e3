// Model-based convergence: the same set of mutations delivered to replicas in any order, with
// any duplication, leaves every replica with the same records, equal to a naive reference model
// that just picks maxima over the whole history.

import {
  applyMutation,
  type HlcStamp,
  isDeleted,
  type JsonValue,
  type LwwRecord,
  type Mutation,
  mergeRecords,
  parseMutation,
  recordValues,
} from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FIELD_NAMES, jsonArb, stampArb, stampKey } from './arbitraries.ts'

type Op = {
  kind: 'set' | 'delete' | 'restore'
  recordId: string
  stamp: HlcStamp
  values: Record<string, JsonValue>
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('set', 'set', 'set', 'delete', 'restore'),
  recordId: fc.constantFrom('r1', 'r2'),
  stamp: stampArb,
  values: fc.dictionary(fc.constantFrom(...FIELD_NAMES), jsonArb, { minKeys: 1, maxKeys: 3 }),
})

// HLC stamps are unique per write, so the history never holds two writes with one stamp.
const historyArb = fc.uniqueArray(opArb, { selector: (op) => stampKey(op.stamp), minLength: 1, maxLength: 25 })

/** A delivery order: every index at least once, some repeated, shuffled. */
const deliveryArb = (n: number) =>
  fc
    .tuple(
      fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      fc.array(fc.tuple(fc.nat(n - 1), fc.nat()), { maxLength: n }),
    )
    .map(([order, dups]) => {
      const out = [...order]
      for (const [index, at] of dups) out.splice(at % (out.length + 1), 0, index)
      return out
    })

const scenarioArb = historyArb.chain((ops) =>
  fc.tuple(fc.constant(ops), fc.array(deliveryArb(ops.length), { minLength: 3, maxLength: 3 })),
)

function toMutation(op: Op, i: number): Mutation {
  const common = { id: `m${i}`, collection: 'tasks', recordId: op.recordId }
  if (op.kind === 'delete') return { ...common, op: 'delete', stamp: op.stamp }
  const fields = Object.fromEntries(Object.entries(op.values).map(([k, value]) => [k, { value, stamp: op.stamp }]))
  return { ...common, op: 'set', fields, ...(op.kind === 'restore' ? { restore: op.stamp } : {}) }
}

const gt = (a: HlcStamp, b: HlcStamp) =>
  a.wall !== b.wall ? a.wall > b.wall : a.counter !== b.counter ? a.counter > b.counter : a.node > b.node

/** The reference model: visible values per record, computed from the whole history at once. */
function model(ops: Op[], recordId: string): Record<string, JsonValue> | undefined {
  const mine = ops.filter((op) => op.recordId === recordId)
  const maxOf = (kind: Op['kind']) =>
    mine
      .filter((op) => op.kind === kind)
      .reduce<HlcStamp | undefined>((m, op) => (!m || gt(op.stamp, m) ? op.stamp : m), undefined)
  const deleted = maxOf('delete')
  const restored = maxOf('restore')
  if (deleted && !(restored && gt(restored, deleted))) return undefined
  const values: Record<string, JsonValue> = {}
  for (const name of FIELD_NAMES) {
    let best: { value: JsonValue; stamp: HlcStamp } | undefined
    for (const op of mine) {
      if (op.kind === 'delete' || !Object.hasOwn(op.values, name)) continue
      if (!best || gt(op.stamp, best.stamp)) best = { value: op.values[name]!, stamp: op.stamp }
    }
    if (best && (!deleted || gt(best.stamp, deleted))) values[name] = best.value
  }
  return values
}

function deliver(mutations: Mutation[], order: number[]): Map<string, LwwRecord> {
  const store = new Map<string, LwwRecord>()
  for (const index of order) {
    // Every delivery goes through the untrusted-input path, as it would on a server.
    const mutation = parseMutation(JSON.parse(JSON.stringify(mutations[index])))
    store.set(mutation.recordId, applyMutation(store.get(mutation.recordId), mutation).record)
  }
  return store
}

describe('convergence under any delivery order and duplication', () => {
  it('every replica ends identical and equal to the reference model', () => {
    fc.assert(
      fc.property(scenarioArb, ([ops, orders]) => {
        const mutations = ops.map(toMutation)
        const replicas = orders.map((order) => deliver(mutations, order))
        for (const replica of replicas.slice(1)) expect(replica).toEqual(replicas[0])
        for (const recordId of ['r1', 'r2']) {
          const touched = ops.some((op) => op.recordId === recordId)
          const record = replicas[0]!.get(recordId)
          expect(record !== undefined).toBe(touched)
          if (!record) continue
          expect(recordValues(record)).toEqual(model(ops, recordId))
          expect(isDeleted(record)).toBe(model(ops, recordId) === undefined)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('replicas that each saw part of the history converge by exchanging record states', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), ([ops, orders], cut) => {
        const mutations = ops.map(toMutation)
        const order = orders[0]!
        const split = cut % (order.length + 1)
        const left = deliver(mutations, order.slice(0, split))
        const right = deliver(mutations, order.slice(split))
        const full = deliver(mutations, orders[1]!)
        for (const [id, record] of full) {
          const l = left.get(id)
          const r = right.get(id)
          const merged = l && r ? mergeRecords(l, r).record : (l ?? r)
          expect(merged).toEqual(record)
        }
      }),
      { numRuns: 300 },
    )
  })
})
