// Shared fast-check arbitraries for the records tests. Small domains on purpose: few nodes,
// ids, field names and wall times make collisions (same field, same millisecond) common.

import type { FieldValue, HlcStamp, JsonValue, LwwRecord } from '@tandem/records'
import fc from 'fast-check'

export const NODES = ['alice', 'bob', 'carol'] as const
export const FIELD_NAMES = ['title', 'status', 'assignee', 'constructor'] as const

export const stampArb: fc.Arbitrary<HlcStamp> = fc.record({
  wall: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_005 }),
  counter: fc.integer({ min: 0, max: 3 }),
  node: fc.constantFrom(...NODES),
})

export const jsonArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>('todo', 'doing', 'done', 0, 1, true, null),
  fc.json({ depthSize: 'small' }).map((text) => JSON.parse(text) as JsonValue),
)

export const fieldArb: fc.Arbitrary<FieldValue> = fc.record({ value: jsonArb, stamp: stampArb })

/** Arbitrary replica states of record "r1", normalised the way a merge leaves them. */
export const recordArb: fc.Arbitrary<LwwRecord> = fc
  .record(
    {
      fields: fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldArb, { maxKeys: 4 }),
      deleted: stampArb,
      restored: stampArb,
    },
    { requiredKeys: ['fields'] },
  )
  .map((r) => ({ id: 'r1', ...r }))

export function stampKey(s: HlcStamp): string {
  return `${s.wall}:${s.counter}:${s.node}`
}
