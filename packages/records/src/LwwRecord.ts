import { compareStamps, type HlcStamp } from './HlcStamp.ts'
import type { JsonValue } from './JsonValue.ts'

/** One field's value and the stamp of the write that set it; the stamp's node is the author. */
export interface FieldValue {
  readonly value: JsonValue
  readonly stamp: HlcStamp
}

/**
 * A record as every replica stores it. `deleted` is the greatest delete stamp seen and
 * `restored` the greatest explicit restore stamp; both only ever grow, which is what makes
 * merging them a join. Fields stamped at or before `deleted` are dropped when merging, so a
 * tombstone costs no payload.
 */
export interface LwwRecord {
  readonly id: string
  readonly fields: Readonly<Record<string, FieldValue>>
  readonly deleted?: HlcStamp
  readonly restored?: HlcStamp
}

/**
 * The tombstone rule: a record is deleted when it has a delete stamp and no restore stamp
 * greater than it. Ordinary field writes never resurrect; only an explicit restore does.
 */
export function isDeleted(record: LwwRecord): boolean {
  if (!record.deleted) return false
  return !record.restored || compareStamps(record.restored, record.deleted) < 0
}

/** Reads a field without falling through to Object.prototype ("constructor", "toString"). */
export function getField(record: LwwRecord, name: string): FieldValue | undefined {
  return Object.hasOwn(record.fields, name) ? record.fields[name] : undefined
}

/** The field values an app sees: none while deleted, otherwise every stored field. */
export function recordValues(record: LwwRecord): Record<string, JsonValue> | undefined {
  if (isDeleted(record)) return undefined
  const values: Record<string, JsonValue> = {}
  for (const name of Object.keys(record.fields)) values[name] = record.fields[name]!.value
  return values
}
