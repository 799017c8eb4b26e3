import { sameStamp } from './HlcStamp.ts'
import { getField, type LwwRecord } from './LwwRecord.ts'
import { type Mutation, mutationToRecord } from './Mutation.ts'
import { type MergeResult, mergeRecords } from './mergeRecords.ts'
import { RecordsError } from './RecordsError.ts'

/**
 * Applies a mutation to the receiver's copy of its record (undefined if the receiver has none)
 * by merging. Applying the same mutation twice, or mutations in any order, gives the same
 * record, which is what lets the outbox retry blindly.
 *
 * Conflicts are narrowed with the mutation's base versions: if the writer's base for a field
 * equals the stamp the receiver holds, the writer saw that value and overwrote it on purpose,
 * so it is not reported as a conflict.
 */
export function applyMutation(current: LwwRecord | undefined, mutation: Mutation): MergeResult {
  if (current && current.id !== mutation.recordId) {
    throw new RecordsError('invalid-argument', `mutation for ${mutation.recordId} applied to record ${current.id}`)
  }
  const before = current ?? { id: mutation.recordId, fields: {} }
  const result = mergeRecords(before, mutationToRecord(mutation))
  const base = mutation.base
  if (!base || result.conflicts.length === 0) return result
  const conflicts = result.conflicts.filter((conflict) => {
    if (!Object.hasOwn(base, conflict.field)) return true
    const held = getField(before, conflict.field)
    return !sameStamp(base[conflict.field], held?.stamp)
  })
  return { record: result.record, conflicts }
}
