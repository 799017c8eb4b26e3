import { CloseCode } from '@tandem/protocol'
import { HookRejection } from '../hooks/HookRejection.ts'
import type { RelayExtension } from '../hooks/RelayExtension.ts'

export interface IpThrottleOptions {
  /** Attempts (sockets and REST calls that present credentials) allowed per IP in `windowMs`; default 15. */
  maxAttempts?: number
  /** Default 60 000 ms. */
  windowMs?: number
  /** How long an IP past the limit is refused; default 5 minutes. */
  banMs?: number
  /** IPs never throttled (e.g. your own load balancer's health checks); default none. */
  allow?: string[]
  /** Clock, for tests; default Date.now. */
  now?: () => number
  /** Most IPs remembered; the oldest are forgotten first. Default 100 000. */
  maxTracked?: number
}

/**
 * Refuses an IP that authenticates too often (a reconnect storm or credential guessing) for a
 * while: sockets are closed with 4529 and REST answered 429. Runs first (priority 1 000) so a
 * banned IP costs no token check. Counts per relay instance.
 */
export function ipThrottle(options: IpThrottleOptions = {}): RelayExtension {
  const maxAttempts = options.maxAttempts ?? 15
  const windowMs = options.windowMs ?? 60_000
  const banMs = options.banMs ?? 5 * 60_000
  const now = options.now ?? Date.now
  const maxTracked = options.maxTracked ?? 100_000
  const allow = new Set(options.allow ?? [])
  const seen = new Map<string, { since: number; count: number; bannedUntil: number }>()
  return {
    name: 'ip-throttle',
    priority: 1_000,
    onAuthenticate({ request }) {
      const ip = request.ip
      if (allow.has(ip)) return undefined
      const t = now()
      let entry = seen.get(ip)
      if (!entry || (t - entry.since > windowMs && t >= entry.bannedUntil)) {
        entry = { since: t, count: 0, bannedUntil: 0 }
      }
      // Re-inserted on every attempt: Map order is then recency, and the oldest go first.
      seen.delete(ip)
      seen.set(ip, entry)
      if (seen.size > maxTracked) seen.delete(seen.keys().next().value as string)
      if (t < entry.bannedUntil) throw refusal()
      entry.count++
      if (entry.count > maxAttempts) {
        entry.bannedUntil = t + banMs
        throw refusal()
      }
      return undefined
    },
  }
}

function refusal(): HookRejection {
  return new HookRejection('too many attempts from this address; try again later', {
    closeCode: CloseCode.RateLimited,
    status: 429,
  })
}
