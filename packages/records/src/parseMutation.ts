import { parseStamp } from './HlcStamp.ts'
import type { Mutation } from './Mutation.ts'
import {
  DEFAULT_RECORD_LIMITS,
  expectId,
  expectKeys,
  expectObject,
  parseBaseMap,
  parseFieldMap,
  type RecordLimits,
  underCode,
} from './parseFields.ts'
import { RecordsError } from './RecordsError.ts'

/** Collection names end up in URLs and storage keys, so they are kept to a safe alphabet. */
export const COLLECTION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

const CODE = 'invalid-mutation'

/**
 * Validates a mutation received from an untrusted client (usually `JSON.parse` output) and
 * returns a clean copy. Throws only {@link RecordsError} with code `invalid-mutation`, whatever
 * the input: unknown properties, wrong types, invalid stamps, non-JSON values, oversized input.
 * It does not check clock skew; that needs the receiver's clock (see `latestStamp`).
 */
export function parseMutation(input: unknown, limits: RecordLimits = DEFAULT_RECORD_LIMITS): Mutation {
  // Anything unexpected (a throwing getter, a Proxy) still surfaces as a RecordsError.
  return underCode(CODE, () => parse(input, limits))
}

function parse(input: unknown, limits: RecordLimits): Mutation {
  const obj = expectObject(input, 'mutation', CODE)
  const id = expectId(obj.id, 'mutation.id', CODE, 128)
  const collection = obj.collection
  if (typeof collection !== 'string' || !COLLECTION_PATTERN.test(collection)) {
    throw new RecordsError(CODE, `mutation.collection must match ${COLLECTION_PATTERN}`)
  }
  const recordId = expectId(obj.recordId, 'mutation.recordId', CODE, limits.maxIdLength)
  const base = obj.base === undefined ? undefined : parseBaseMap(obj.base, 'mutation.base', CODE, limits)
  const common = { id, collection, recordId, ...(base ? { base } : {}) }

  if (obj.op === 'delete') {
    expectKeys(obj, ['id', 'collection', 'recordId', 'base', 'op', 'stamp'], 'mutation', CODE)
    return { ...common, op: 'delete', stamp: parseStamp(obj.stamp, 'mutation.stamp') }
  }
  if (obj.op !== 'set') throw new RecordsError(CODE, `mutation.op must be "set" or "delete"`)
  expectKeys(obj, ['id', 'collection', 'recordId', 'base', 'op', 'fields', 'restore'], 'mutation', CODE)
  const fields = parseFieldMap(obj.fields, 'mutation.fields', CODE, limits)
  const restore = obj.restore === undefined ? undefined : parseStamp(obj.restore, 'mutation.restore')
  if (Object.keys(fields).length === 0 && !restore) {
    throw new RecordsError(CODE, 'a set mutation must write at least one field or restore the record')
  }
  if (base) {
    for (const name of Object.keys(base)) {
      if (!Object.hasOwn(fields, name)) throw new RecordsError(CODE, `mutation.base.${name} names a field not written`)
    }
  }
  return { ...common, op: 'set', fields, ...(restore ? { restore } : {}) }
}
