const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const LOOKUP = new Map([...ALPHABET].map((ch, i) => [ch, i]))

/** RFC 4648 section 5 without padding; written out because btoa/Buffer differ between browsers and Node. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!
    const b1 = bytes[i + 1]
    const b2 = bytes[i + 2]
    out += ALPHABET[b0 >> 2]
    out += ALPHABET[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]
    if (b1 !== undefined) out += ALPHABET[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]
    if (b2 !== undefined) out += ALPHABET[b2 & 63]
  }
  return out
}

/**
 * Strict inverse of {@link encodeBase64Url}: returns undefined for any character outside the
 * alphabet, padding, an impossible length, or non-zero leftover bits, so that every accepted
 * text has exactly one byte form (no two tokens mean the same position).
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let acc = 0
  let bits = 0
  let pos = 0
  for (const ch of text) {
    const value = LOOKUP.get(ch)
    if (value === undefined) return undefined
    acc = ((acc << 6) | value) & 0xfff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[pos++] = (acc >> bits) & 0xff
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined
  return out
}
