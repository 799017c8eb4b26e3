import { compareStamps, type HlcStamp } from './HlcStamp.ts'
import type { FieldValue } from './LwwRecord.ts'
import type { Mutation, SetMutation } from './Mutation.ts'
import { compareFieldValues } from './mergeRecords.ts'

/**
 * Folds `later` into `earlier` when both are unsent `set` mutations of the same record, so a
 * user typing into a field for a minute offline leaves one mutation, not hundreds. Returns
 * undefined when the two must stay separate.
 *
 * Rules: fields are joined by LWW (the greater stamp wins, exactly as the server would merge
 * them); a field's base version is the earliest one (the value the user started from, which
 * authority mode must check); restore stamps take the maximum; the earlier id is kept, which
 * is safe only because the earlier mutation was never sent. Deletes are never coalesced: a
 * delete is rare, and keeping it separate keeps rejection and rollback per user action.
 */
export function coalesceMutations(earlier: Mutation, later: Mutation): SetMutation | undefined {
  if (earlier.op !== 'set' || later.op !== 'set') return undefined
  if (earlier.collection !== later.collection || earlier.recordId !== later.recordId) return undefined
  const fields: Record<string, FieldValue> = { ...earlier.fields }
  for (const name of Object.keys(later.fields)) {
    const next = later.fields[name]!
    const prev = Object.hasOwn(fields, name) ? fields[name] : undefined
    if (!prev || compareFieldValues(next, prev) > 0) fields[name] = next
  }
  let base: Record<string, HlcStamp | null> | undefined
  if (earlier.base || later.base) {
    base = {}
    // A later base for a field the earlier mutation wrote is a local, never-sent stamp; the
    // server must check what the earlier mutation was based on instead.
    for (const name of Object.keys(later.base ?? {})) {
      if (!Object.hasOwn(earlier.fields, name)) base[name] = later.base![name]!
    }
    for (const name of Object.keys(earlier.base ?? {})) base[name] = earlier.base![name]!
  }
  const restore = maxStamp(earlier.restore, later.restore)
  return {
    id: earlier.id,
    collection: earlier.collection,
    recordId: earlier.recordId,
    op: 'set',
    fields,
    ...(base ? { base } : {}),
    ...(restore ? { restore } : {}),
  }
}

function maxStamp(a: HlcStamp | undefined, b: HlcStamp | undefined): HlcStamp | undefined {
  if (!a || !b) return a ?? b
  return compareStamps(a, b) >= 0 ? a : b
}
