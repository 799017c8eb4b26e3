import type { IncomingMessage } from 'node:http'
import { isLoopback } from './isLoopback.ts'

/**
 * Who may talk to the relay from a browser. Without a secret every request is trusted, so a
 * web page the user happens to open must not be able to reach it: only loopback Hosts (no DNS
 * rebinding) and Origins, and no write a form or a simple `fetch` could send.
 */
export interface RequestPolicy {
  /** Host header names accepted (no port); null accepts any. */
  readonly allowedHosts: readonly string[] | null
  /** Origin header values accepted (`scheme://host[:port]`); null accepts any. */
  readonly allowedOrigins: readonly string[] | null
  /** The operator listed origins: then a WebSocket must name one (non-browser clients included). */
  readonly originRequired: boolean
  /** Also accept every loopback Host and Origin (the no-secret default). */
  readonly loopback: boolean
  /** Refuse writes that a browser sends without a preflight (no token, simple content type). */
  readonly noSimpleWrites: boolean
}

export interface PolicyOptions {
  /** Whether tokens are checked: without, the relay trusts whoever reaches it. */
  authenticated: boolean
  allowedHosts?: readonly string[]
  allowedOrigins?: readonly string[]
}

export function requestPolicy(o: PolicyOptions): RequestPolicy {
  const open = !o.authenticated
  return {
    allowedHosts: o.allowedHosts ?? (open ? [] : null),
    allowedOrigins: o.allowedOrigins ?? (open ? [] : null),
    originRequired: o.allowedOrigins !== undefined,
    loopback: open,
    noSimpleWrites: open,
  }
}

function hostName(host: string): string {
  const h = host.trim().toLowerCase()
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1)
  const colon = h.lastIndexOf(':')
  return colon < 0 ? h : h.slice(0, colon)
}

export function hostAllowed(policy: RequestPolicy, host: string | undefined): boolean {
  // A request without Host did not come from a browser, which always sends one.
  if (host === undefined || policy.allowedHosts === null) return true
  const name = hostName(host)
  return (policy.loopback && isLoopback(name)) || policy.allowedHosts.includes(name)
}

export function originAllowed(policy: RequestPolicy, origin: string | undefined, forSocket = false): boolean {
  // No Origin: not a cross-site browser request (navigations and same-origin GETs omit it).
  if (origin === undefined) return !(forSocket && policy.originRequired)
  if (policy.allowedOrigins === null) return true
  if (policy.allowedOrigins.includes(origin)) return true
  if (!policy.loopback) return false
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname)
  } catch {
    return false
  }
}

const NON_SIMPLE_TYPES = ['application/octet-stream', 'application/json']

/**
 * A write is safe from cross-site pages when a browser could only send it after a preflight
 * the relay never grants: it carries a token header, or a content type no form can set.
 */
export function writeAllowed(policy: RequestPolicy, req: IncomingMessage): boolean {
  if (!policy.noSimpleWrites || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return true
  if (req.headers.authorization !== undefined) return true
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return NON_SIMPLE_TYPES.includes(type)
}

/** The first rule a request breaks, as an HTTP status and message, or null. */
export function checkRequest(policy: RequestPolicy, req: IncomingMessage): { status: number; error: string } | null {
  if (!hostAllowed(policy, req.headers.host)) return { status: 403, error: 'host not allowed' }
  if (!originAllowed(policy, req.headers.origin)) return { status: 403, error: 'origin not allowed' }
  if (!writeAllowed(policy, req)) {
    return { status: 415, error: 'writes need content-type application/octet-stream or application/json' }
  }
  return null
}
