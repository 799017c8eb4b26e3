import { compareStamps, type HlcStamp } from './HlcStamp.ts'
import type { FieldValue, LwwRecord } from './LwwRecord.ts'

/**
 * Base versions: for each field, the stamp of the value the writer saw when it wrote (null if
 * the field was absent). Authority mode refuses the write if the server's field changed since;
 * in normal mode it lets the receiver tell a sequential overwrite from a concurrent one.
 */
export type BaseVersions = Readonly<Record<string, HlcStamp | null>>

interface MutationCommon {
  /** Client-chosen, unique per mutation; the server remembers applied ids so retries are no-ops. */
  readonly id: string
  readonly collection: string
  readonly recordId: string
  readonly base?: BaseVersions
}

/** Writes the named fields only; other fields keep their values. `restore` undeletes explicitly. */
export interface SetMutation extends MutationCommon {
  readonly op: 'set'
  readonly fields: Readonly<Record<string, FieldValue>>
  readonly restore?: HlcStamp
}

/** Tombstones the record at `stamp`. */
export interface DeleteMutation extends MutationCommon {
  readonly op: 'delete'
  readonly stamp: HlcStamp
}

export type Mutation = SetMutation | DeleteMutation

/** The mutation as a (partial) record, so applying it is just a merge. */
export function mutationToRecord(mutation: Mutation): LwwRecord {
  if (mutation.op === 'delete') return { id: mutation.recordId, fields: {}, deleted: mutation.stamp }
  return {
    id: mutation.recordId,
    fields: mutation.fields,
    ...(mutation.restore ? { restored: mutation.restore } : {}),
  }
}

/**
 * The greatest stamp a mutation or record carries: the one to pass to
 * `HybridLogicalClock.receive` (which also enforces the skew bound) before applying it.
 */
export function latestStamp(source: Mutation | LwwRecord): HlcStamp | undefined {
  const record = 'op' in source ? mutationToRecord(source) : source
  let latest: HlcStamp | undefined
  const consider = (stamp: HlcStamp | undefined) => {
    if (stamp && (!latest || compareStamps(stamp, latest) > 0)) latest = stamp
  }
  consider(record.deleted)
  consider(record.restored)
  for (const name of Object.keys(record.fields)) consider(record.fields[name]!.stamp)
  return latest
}
