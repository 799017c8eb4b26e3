import type { HlcStamp } from './HlcStamp.ts'
import { parseStamp } from './HlcStamp.ts'
import { isPlainObject, type JsonLimits, parseJsonValue } from './JsonValue.ts'
import type { FieldValue } from './LwwRecord.ts'
import { RecordsError, type RecordsErrorCode } from './RecordsError.ts'

/** Size limits for untrusted mutations and records; a server may tighten them per collection. */
export interface RecordLimits {
  maxIdLength: number
  maxFields: number
  maxFieldNameLength: number
  json: JsonLimits
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = {
  maxIdLength: 256,
  maxFields: 256,
  maxFieldNameLength: 128,
  json: { maxDepth: 32, maxNodes: 10_000 },
}

/** Re-throws any RecordsError under `code`, so a bad stamp inside a mutation reads as a bad mutation. */
export function underCode<T>(code: RecordsErrorCode, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof RecordsError && err.code === code) throw err
    throw new RecordsError(code, describeError(err), { cause: err })
  }
}

// Hostile input can throw anything, even objects whose toString throws.
function describeError(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err)
  } catch {
    return 'unreadable input'
  }
}

export function expectObject(input: unknown, where: string, code: RecordsErrorCode): Record<string, unknown> {
  if (!isPlainObject(input)) throw new RecordsError(code, `${where} must be a plain object`)
  return input
}

export function expectKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  code: RecordsErrorCode,
) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new RecordsError(code, `${where} has unknown property ${JSON.stringify(key)}`)
  }
}

export function expectId(input: unknown, where: string, code: RecordsErrorCode, maxLength: number): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > maxLength) {
    throw new RecordsError(code, `${where} must be a non-empty string of at most ${maxLength} characters`)
  }
  return input
}

function expectFieldName(name: string, where: string, code: RecordsErrorCode, limits: RecordLimits): void {
  // "__proto__" as an own key cannot be stored in a plain object without changing its prototype.
  if (name.length === 0 || name.length > limits.maxFieldNameLength || name === '__proto__') {
    throw new RecordsError(code, `${where} has an invalid field name ${JSON.stringify(name.slice(0, 40))}`)
  }
}

function namedEntries(input: unknown, where: string, code: RecordsErrorCode, limits: RecordLimits) {
  const obj = expectObject(input, where, code)
  const names = Object.keys(obj)
  if (names.length > limits.maxFields) throw new RecordsError(code, `${where} has more than ${limits.maxFields} fields`)
  for (const name of names) expectFieldName(name, where, code, limits)
  return names.map((name) => [name, obj[name]] as const)
}

/** Parses `{name: {value, stamp}}`. */
export function parseFieldMap(
  input: unknown,
  where: string,
  code: RecordsErrorCode,
  limits: RecordLimits,
): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {}
  for (const [name, raw] of namedEntries(input, where, code, limits)) {
    const path = `${where}.${name}`
    const entry = expectObject(raw, path, code)
    expectKeys(entry, ['value', 'stamp'], path, code)
    if (!Object.hasOwn(entry, 'value')) throw new RecordsError(code, `${path}.value is missing`)
    const value = parseJsonValue(entry.value, `${path}.value`, code, limits.json)
    fields[name] = { value, stamp: underCode(code, () => parseStamp(entry.stamp, `${path}.stamp`)) }
  }
  return fields
}

/** Parses `{name: stamp | null}` base versions. */
export function parseBaseMap(
  input: unknown,
  where: string,
  code: RecordsErrorCode,
  limits: RecordLimits,
): Record<string, HlcStamp | null> {
  const base: Record<string, HlcStamp | null> = {}
  for (const [name, raw] of namedEntries(input, where, code, limits)) {
    base[name] = raw === null ? null : underCode(code, () => parseStamp(raw, `${where}.${name}`))
  }
  return base
}
