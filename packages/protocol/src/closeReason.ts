/** RFC 6455 allows 123 bytes of UTF-8 in a close frame's reason (125 minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123

const encoder = new TextEncoder()

/**
 * A close reason that fits a close frame: cut to 123 UTF-8 bytes at a character boundary.
 * `ws` throws when handed a longer one, and a reason counted in characters (as JavaScript
 * counts) is up to three times longer in bytes.
 */
export function closeReason(text: string): string {
  if (text.length * 3 <= MAX_CLOSE_REASON_BYTES) return text
  let bytes = 0
  let end = 0
  for (const ch of text) {
    const size = encoder.encode(ch).length
    if (bytes + size > MAX_CLOSE_REASON_BYTES) break
    bytes += size
    end += ch.length
  }
  return text.slice(0, end)
}
