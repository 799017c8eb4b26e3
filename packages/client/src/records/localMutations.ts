import {
  type FieldValue,
  getField,
  type HlcStamp,
  isDeleted,
  type JsonValue,
  type LwwRecord,
  type Mutation,
} from '@tandem/records'

export type RecordValues = Record<string, JsonValue>

/**
 * A `set` of the named fields, all stamped with one fresh stamp. Each field carries as its base
 * the stamp of the value this replica held (null if none): authority mode refuses the write
 * if the server's field moved on since, and the server narrows conflict reports with it.
 * `restore` undeletes a deleted record (put does, update does not).
 */
export function setMutation(
  ids: { mutation: string; collection: string; record: string },
  fields: RecordValues,
  current: LwwRecord | undefined,
  stamp: HlcStamp,
  restore: boolean,
): Mutation {
  const written: Record<string, FieldValue> = {}
  const base: Record<string, HlcStamp | null> = {}
  const live = current && !isDeleted(current) ? current : undefined
  for (const name of Object.keys(fields)) {
    written[name] = { value: fields[name]!, stamp }
    base[name] = (live && getField(live, name)?.stamp) ?? null
  }
  return {
    id: ids.mutation,
    collection: ids.collection,
    recordId: ids.record,
    op: 'set',
    fields: written,
    base,
    ...(restore && current && isDeleted(current) ? { restore: stamp } : {}),
  }
}

/** Tombstones the record at `stamp`; a later put (with restore) brings it back. */
export function deleteMutation(
  ids: { mutation: string; collection: string; record: string },
  stamp: HlcStamp,
): Mutation {
  return { id: ids.mutation, collection: ids.collection, recordId: ids.record, op: 'delete', stamp }
}
