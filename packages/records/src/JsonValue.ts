import { RecordsError, type RecordsErrorCode } from './RecordsError.ts'

/** A field value: anything JSON can carry, and nothing else (no undefined, NaN, Dates, Maps). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export interface JsonLimits {
  /** Nesting depth; deep values would blow the stack of every recursive consumer. */
  maxDepth: number
  /** Total number of values (scalars, arrays, objects) in one field value. */
  maxNodes: number
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxNodes: 10_000 }

/** Only plain objects: a class instance or exotic object would not survive a JSON round trip unchanged. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Validates untrusted input as a {@link JsonValue} and returns a deep copy built from own
 * enumerable data only, so getters, prototypes and shared references from the caller do not
 * leak into stored records. Throws {@link RecordsError} with `code` on anything else.
 */
export function parseJsonValue(
  input: unknown,
  where: string,
  code: RecordsErrorCode = 'invalid-mutation',
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): JsonValue {
  let nodes = 0
  const visit = (value: unknown, path: string, depth: number): JsonValue => {
    if (++nodes > limits.maxNodes) throw new RecordsError(code, `${where} has more than ${limits.maxNodes} values`)
    if (depth > limits.maxDepth) throw new RecordsError(code, `${path} is nested deeper than ${limits.maxDepth}`)
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RecordsError(code, `${path} is not a finite number`)
      // JSON has no negative zero; normalising keeps digests equal across a round trip.
      return value === 0 ? 0 : value
    }
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new RecordsError(code, `${path} is not a plain array`)
      const out: JsonValue[] = []
      for (let i = 0; i < value.length; i++) {
        if (!Object.hasOwn(value, i)) throw new RecordsError(code, `${path}[${i}] is a hole`)
        out.push(visit(value[i], `${path}[${i}]`, depth + 1))
      }
      return out
    }
    if (!isPlainObject(value)) throw new RecordsError(code, `${path} is not JSON (${describe(value)})`)
    // fromEntries defines properties, so a "__proto__" key (valid JSON) stays an ordinary key
    // instead of replacing the prototype as plain assignment would.
    return Object.fromEntries(Object.keys(value).map((key) => [key, visit(value[key], `${path}.${key}`, depth + 1)]))
  }
  try {
    return visit(input, where, 0)
  } catch (err) {
    if (err instanceof RecordsError) throw err
    // A throwing getter or Proxy trap in the input: still bad input, not a bug.
    throw new RecordsError(code, `${where} could not be read as JSON`, { cause: err })
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value
  return Object.prototype.toString.call(value)
}
