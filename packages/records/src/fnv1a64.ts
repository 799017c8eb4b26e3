/**
 * FNV-1a 64-bit over bytes, computed in two 32-bit halves because BigInt arithmetic is an
 * order of magnitude slower and digests run over every record on every check-in. Not
 * cryptographic: it detects divergence between honest replicas, it does not resist forgery.
 */
export interface Hash64 {
  hi: number
  lo: number
}

const OFFSET_HI = 0xcbf29ce4
const OFFSET_LO = 0x84222325
// The 64-bit FNV prime is 2^40 + 0x1b3: multiply the low half by 0x1b3 and shift it into the high half.
const PRIME_LOW = 0x1b3

export function fnv1a64(bytes: Uint8Array): Hash64 {
  let hi = OFFSET_HI
  let lo = OFFSET_LO
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!
    const low = (lo >>> 0) * PRIME_LOW
    const carry = Math.floor(low / 0x1_0000_0000)
    hi = (Math.imul(hi, PRIME_LOW) + carry + ((lo << 8) >>> 0)) >>> 0
    lo = low >>> 0
  }
  return { hi: hi >>> 0, lo: lo >>> 0 }
}

/**
 * The same construction over UTF-16 code units instead of bytes, for hashing canonical text
 * without first encoding it to UTF-8 (which took most of the time of a 100,000-record digest
 * pass). Each step is still a bijection of the state, so texts of equal length that differ in
 * one unit always hash differently.
 */
export function fnv1a64Text(text: string): Hash64 {
  let hi = OFFSET_HI
  let lo = OFFSET_LO
  for (let i = 0; i < text.length; i++) {
    lo ^= text.charCodeAt(i)
    const low = (lo >>> 0) * PRIME_LOW
    const carry = Math.floor(low / 0x1_0000_0000)
    hi = (Math.imul(hi, PRIME_LOW) + carry + ((lo << 8) >>> 0)) >>> 0
    lo = low >>> 0
  }
  return { hi: hi >>> 0, lo: lo >>> 0 }
}

/** 16 lowercase hex digits, the form hashes take on the wire and in reports. */
export function hashToHex(hash: Hash64): string {
  return hash.hi.toString(16).padStart(8, '0') + hash.lo.toString(16).padStart(8, '0')
}

/** Inverse of {@link hashToHex}; undefined if `hex` is not exactly 16 hex digits. */
export function hexToHash(hex: string): Hash64 | undefined {
  if (!/^[0-9a-f]{16}$/.test(hex)) return undefined
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) }
}

/**
 * Murmur3's 32-bit finaliser. FNV leaves the last input bytes poorly mixed into the high bits,
 * so ids like "task-1" and "task-2" would land in one bucket without this.
 */
export function mix32(hash: Hash64): number {
  let h = (hash.hi ^ Math.imul(hash.lo, 0x9e3779b1)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
