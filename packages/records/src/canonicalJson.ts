import type { JsonValue } from './JsonValue.ts'

/**
 * JSON text with object keys sorted by UTF-16 code units, so equal values always produce
 * equal text. Digests and the deterministic tie-break of equal stamps depend on this.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(',')}}`
}

/** Deep equality of two JSON values (key order does not matter). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  return canonicalJson(a) === canonicalJson(b)
}

/**
 * An arbitrary but fixed total order on JSON values (by canonical text). It has no meaning to
 * apps; it only exists so that two writes with identical stamps, which honest replicas never
 * produce, still merge to the same winner on every replica.
 */
export function compareJson(a: JsonValue, b: JsonValue): number {
  if (a === b) return 0
  const ca = canonicalJson(a)
  const cb = canonicalJson(b)
  return ca === cb ? 0 : ca < cb ? -1 : 1
}
