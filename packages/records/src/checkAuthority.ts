import { type HlcStamp, sameStamp } from './HlcStamp.ts'
import { type FieldValue, getField, isDeleted, type LwwRecord } from './LwwRecord.ts'
import type { Mutation } from './Mutation.ts'

/** Why one field of a mutation was refused, with what the server holds now so the client can roll back to it. */
export interface AuthorityFieldConflict {
  readonly field: string
  /** What the writer claimed to have seen (null: field absent). */
  readonly base: HlcStamp | null
  /** The server's current value (null: field absent or record deleted). */
  readonly current: FieldValue | null
}

export type AuthorityDecision =
  | { readonly accepted: true; readonly acceptedFields: string[] }
  | {
      readonly accepted: false
      readonly reason: 'conflict'
      /** Fields whose base still matched; the server should not apply them alone (the mutation is atomic). */
      readonly acceptedFields: string[]
      readonly conflicts: AuthorityFieldConflict[]
      /** Set when the record is deleted on the server and the mutation did not restore it. */
      readonly deleted?: HlcStamp
    }

/**
 * Authority mode: the server accepts a write only if, for every field it touches, the server's
 * stamp still equals the writer's base version. A field written without a base entry is
 * treated as based on "absent" (null), so a client that omits bases can create fields but not
 * blindly overwrite them. A delete is checked against the bases it carries (none: accepted).
 * Writing to a record deleted on the server is a conflict unless the mutation restores it.
 *
 * Pure: the server calls this inside the transaction that reads `current` and then applies
 * the mutation only if accepted.
 */
export function checkAuthority(current: LwwRecord | undefined, mutation: Mutation): AuthorityDecision {
  const base = mutation.base ?? {}
  const touched = mutation.op === 'set' ? Object.keys(mutation.fields) : Object.keys(base)
  const deletedOnServer = current !== undefined && isDeleted(current)
  const acceptedFields: string[] = []
  const conflicts: AuthorityFieldConflict[] = []
  for (const field of touched.sort()) {
    const claimed = Object.hasOwn(base, field) ? (base[field] ?? null) : null
    const held = current && !deletedOnServer ? (getField(current, field) ?? null) : null
    if (sameStamp(claimed, held?.stamp)) acceptedFields.push(field)
    else conflicts.push({ field, base: claimed, current: held })
  }
  const blockedByTombstone = deletedOnServer && mutation.op === 'set' && !mutation.restore
  if (conflicts.length === 0 && !blockedByTombstone) return { accepted: true, acceptedFields }
  return {
    accepted: false,
    reason: 'conflict',
    acceptedFields,
    conflicts,
    ...(blockedByTombstone && current?.deleted ? { deleted: current.deleted } : {}),
  }
}
