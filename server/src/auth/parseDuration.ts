const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** '2s', '10m', '1h', '7d', '250ms' -> milliseconds; throws TypeError for anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim())
  if (!m) throw new TypeError(`'${text}' is not a duration like 30s, 10m, 1h or 7d`)
  const ms = Number(m[1]) * UNITS[m[2]!]!
  if (ms <= 0) throw new TypeError(`duration '${text}' must be positive`)
  return ms
}
