// Retry timing shared by every reconnect and retry loop: the client's socket, its local
// persistence and the records outbox. It lives in protocol, the bottom layer, so that document
// sync need not import records to get it. Bad arguments are programmer errors: RangeError.
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs?: number
  /** No delay ever exceeds this, however many failures in a row. */
  capMs?: number
  /** Uniform in [0, 1); injectable so tests and simulations are deterministic. */
  random?: () => number
}

export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000 } as const

/** The largest delay allowed after `attempt` consecutive failures: base * 2^(attempt-1), capped. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`)
  }
  const base = options.baseMs ?? DEFAULT_BACKOFF.baseMs
  const cap = options.capMs ?? DEFAULT_BACKOFF.capMs
  // Math.min before the power would overflow to Infinity for large attempts; 2 ** 1024 is Infinity, min() still caps it.
  return Math.min(cap, base * 2 ** Math.min(attempt - 1, 64))
}

/**
 * Exponential backoff with full jitter ("Exponential Backoff and Jitter", AWS Architecture
 * Blog, 2015): a uniform delay between 0 and the ceiling. Full jitter spreads the retries of
 * many clients that failed together (a server restart), where plain exponential backoff
 * would have them all return in the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = backoffCeiling(attempt, options)
  const r = (options.random ?? Math.random)()
  if (!(r >= 0 && r < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${r}`)
  return Math.floor(r * ceiling)
}
