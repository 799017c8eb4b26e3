import { compareStamps, parseStamp } from './HlcStamp.ts'
import type { LwwRecord } from './LwwRecord.ts'
import {
  DEFAULT_RECORD_LIMITS,
  expectId,
  expectKeys,
  expectObject,
  parseFieldMap,
  type RecordLimits,
  underCode,
} from './parseFields.ts'

const CODE = 'invalid-record'

/**
 * Validates a record received from a peer (a pull page, a Merkle repair) and returns a clean
 * copy. Throws only {@link RecordsError} `invalid-record`. Fields at or before the tombstone are
 * dropped, as a merge would, so the result is in the canonical form that digests assume.
 */
export function parseRecord(input: unknown, limits: RecordLimits = DEFAULT_RECORD_LIMITS): LwwRecord {
  return underCode(CODE, () => {
    const obj = expectObject(input, 'record', CODE)
    expectKeys(obj, ['id', 'fields', 'deleted', 'restored'], 'record', CODE)
    const id = expectId(obj.id, 'record.id', CODE, limits.maxIdLength)
    const parsed = parseFieldMap(obj.fields, 'record.fields', CODE, limits)
    const deleted = obj.deleted === undefined ? undefined : parseStamp(obj.deleted, 'record.deleted')
    const restored = obj.restored === undefined ? undefined : parseStamp(obj.restored, 'record.restored')
    const fields: LwwRecord['fields'] = deleted
      ? Object.fromEntries(Object.entries(parsed).filter(([, field]) => compareStamps(field.stamp, deleted) > 0))
      : parsed
    return { id, fields, ...(deleted ? { deleted } : {}), ...(restored ? { restored } : {}) }
  })
}
