import { hasControlBytes } from '../ops/hasControlBytes.ts'

/**
 * The document name of a WebSocket URL: its URL-decoded path without the leading slash; the
 * query string is not part of it. Returns null for a name that is empty, too long, not
 * decodable, or holds control characters.
 */
export function parseDocName(url: string, maxLength: number): string | null {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  let name: string
  try {
    name = decodeURIComponent(path.startsWith('/') ? path.slice(1) : path)
  } catch {
    return null
  }
  return validDocName(name, maxLength) ? name : null
}

/** A name is 1..maxLength characters with no control characters. */
export function validDocName(name: string, maxLength: number): boolean {
  return name.length > 0 && name.length <= maxLength && !hasControlBytes(name)
}
