import { compareJson, jsonEqual } from './canonicalJson.ts'
import { compareStamps, type HlcStamp } from './HlcStamp.ts'
import type { JsonValue } from './JsonValue.ts'
import { type FieldValue, getField, type LwwRecord } from './LwwRecord.ts'
import { RecordsError } from './RecordsError.ts'

/** One side of a conflict: what was written, when, and by which replica. */
export interface ConflictSide {
  readonly value: JsonValue
  readonly stamp: HlcStamp
  readonly author: string
}

/** A field where two different authors wrote different values; `winner` is what the record now holds. */
export interface FieldConflict {
  readonly recordId: string
  readonly field: string
  readonly winner: ConflictSide
  readonly loser: ConflictSide
}

export interface MergeResult {
  readonly record: LwwRecord
  readonly conflicts: FieldConflict[]
}

/**
 * Orders two values of one field: the greater stamp wins. Equal stamps with different values
 * can only come from a buggy or hostile replica; comparing the canonical JSON keeps even that
 * case deterministic, so merge stays commutative.
 */
export function compareFieldValues(a: FieldValue, b: FieldValue): number {
  const byStamp = compareStamps(a.stamp, b.stamp)
  return byStamp !== 0 ? byStamp : compareJson(a.value, b.value)
}

function maxStamp(a: HlcStamp | undefined, b: HlcStamp | undefined): HlcStamp | undefined {
  if (!a) return b
  if (!b) return a
  return compareStamps(a, b) >= 0 ? a : b
}

function side(field: FieldValue): ConflictSide {
  return { value: field.value, stamp: field.stamp, author: field.stamp.node }
}

/**
 * Joins two replicas of one record: per field the greater stamp wins, delete and restore
 * stamps take the maximum, and fields at or before the tombstone are dropped. This is
 * commutative, associative and idempotent, so replicas that saw the same writes in any order,
 * any number of times, hold identical records.
 *
 * Conflicts: without causal history a state merge cannot tell a concurrent write from a later
 * one that saw the earlier value, so it reports every field where two *different authors*
 * hold *different values* and the winner survives the tombstone. Callers that know better
 * (base versions in {@link applyMutation}, or the client's outbox) narrow this down.
 */
export function mergeRecords(a: LwwRecord, b: LwwRecord): MergeResult {
  if (a.id !== b.id) throw new RecordsError('invalid-argument', `cannot merge record ${a.id} with ${b.id}`)
  const deleted = maxStamp(a.deleted, b.deleted)
  const restored = maxStamp(a.restored, b.restored)
  const fields: Record<string, FieldValue> = {}
  const conflicts: FieldConflict[] = []
  const names = new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])
  for (const name of [...names].sort()) {
    const fa = getField(a, name)
    const fb = getField(b, name)
    let winner: FieldValue
    let loser: FieldValue | undefined
    if (fa && fb) {
      const order = compareFieldValues(fa, fb)
      winner = order >= 0 ? fa : fb
      loser = order === 0 ? undefined : order > 0 ? fb : fa
    } else {
      winner = (fa ?? fb)!
    }
    if (deleted && compareStamps(winner.stamp, deleted) <= 0) continue
    fields[name] = winner
    if (loser && loser.stamp.node !== winner.stamp.node && !jsonEqual(loser.value, winner.value)) {
      conflicts.push({ recordId: a.id, field: name, winner: side(winner), loser: side(loser) })
    }
  }
  const record: LwwRecord = {
    id: a.id,
    fields,
    ...(deleted ? { deleted } : {}),
    ...(restored ? { restored } : {}),
  }
  return { record, conflicts }
}

/** Merges any number of replicas of one record (at least one). */
export function mergeAll(records: readonly LwwRecord[]): LwwRecord {
  if (records.length === 0) throw new RecordsError('invalid-argument', 'mergeAll needs at least one record')
  let acc = mergeRecords(records[0]!, records[0]!).record
  for (let i = 1; i < records.length; i++) acc = mergeRecords(acc, records[i]!).record
  return acc
}
