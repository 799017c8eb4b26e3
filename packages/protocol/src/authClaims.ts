/**
 * What a Tandem token grants, as carried in its JWT claims. The server verifies the
 * signature; clients only read these to show who they are.
 */
export interface AuthClaims {
  /** Subject: the user id. */
  sub: string
  /** Display name for presence. */
  name?: string
  /** Document name patterns this token opens (see {@link matchesPattern}). */
  docs: string[]
  /** Record collection patterns this token opens. */
  collections: string[]
  /** `read`: sync and presence only; `write`: also changes. */
  scope: 'read' | 'write'
  /** Expiry, seconds since the epoch (required). */
  exp: number
}

/**
 * True when `name` matches `pattern`, where `*` stands for any run of characters, `/`
 * included, and everything else matches itself. The pattern is checked against exactly the
 * name that selects the document, after URL decoding.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*')
  if (parts.length === 1) return pattern === name
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  if (!name.startsWith(first) || !name.endsWith(last) || name.length < first.length + last.length) return false
  let pos = first.length
  const end = name.length - last.length
  for (const part of parts.slice(1, -1)) {
    const at = name.indexOf(part, pos)
    if (at === -1 || at + part.length > end) return false
    pos = at + part.length
  }
  return true
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => matchesPattern(p, name))
}
