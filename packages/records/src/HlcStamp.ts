import { RecordsError } from './RecordsError.ts'

/**
 * A hybrid logical clock timestamp. `wall` is milliseconds since the epoch (the largest
 * physical time the issuing node had seen), `counter` orders events within one millisecond,
 * and `node` makes stamps from different replicas distinct, so no two writes ever tie.
 */
export interface HlcStamp {
  readonly wall: number
  readonly counter: number
  readonly node: string
}

/** 36^9 - 1: the largest wall time the fixed-width string form can hold (year 5188). */
export const MAX_WALL = 101_559_956_668_415
/** The counter must fit four base-36 digits and two varint bytes; the clock borrows the next millisecond before it overflows. */
export const MAX_COUNTER = 0xffff
/** Node ids are restricted so the string form stays unambiguous and sortable as plain text. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/

/** Total order: wall time, then counter, then node id by UTF-16 code units (the order of the string form). */
export function compareStamps(a: HlcStamp, b: HlcStamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1
  if (a.node === b.node) return 0
  return a.node < b.node ? -1 : 1
}

/** Equality that treats two missing stamps as equal, as base versions need. */
export function sameStamp(a: HlcStamp | null | undefined, b: HlcStamp | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null
  return compareStamps(a, b) === 0
}

export function isValidNodeId(node: unknown): node is string {
  return typeof node === 'string' && NODE_ID_PATTERN.test(node)
}

/** Throws {@link RecordsError} `invalid-node-id` unless `node` is usable as a clock's node id. */
export function assertNodeId(node: unknown): asserts node is string {
  if (!isValidNodeId(node)) {
    throw new RecordsError('invalid-node-id', `node id must match ${NODE_ID_PATTERN}, got ${JSON.stringify(node)}`)
  }
}

/**
 * Validates an untrusted stamp (for example from parsed JSON) and returns a fresh copy, so a
 * caller never keeps a reference to attacker-controlled objects with extra properties.
 */
export function parseStamp(input: unknown, where = 'stamp'): HlcStamp {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RecordsError('invalid-stamp', `${where} must be an object {wall, counter, node}`)
  }
  const keys = Object.keys(input)
  if (keys.length !== 3 || !keys.every((k) => k === 'wall' || k === 'counter' || k === 'node')) {
    throw new RecordsError('invalid-stamp', `${where} must have exactly the properties wall, counter and node`)
  }
  const { wall, counter, node } = input as Record<string, unknown>
  if (typeof wall !== 'number' || !Number.isInteger(wall) || wall < 0 || wall > MAX_WALL) {
    throw new RecordsError('invalid-stamp', `${where}.wall must be an integer in [0, ${MAX_WALL}]`)
  }
  if (typeof counter !== 'number' || !Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new RecordsError('invalid-stamp', `${where}.counter must be an integer in [0, ${MAX_COUNTER}]`)
  }
  if (!isValidNodeId(node)) throw new RecordsError('invalid-stamp', `${where}.node must match ${NODE_ID_PATTERN}`)
  return { wall, counter, node }
}
