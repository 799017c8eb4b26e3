import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseDuration } from '../auth/parseDuration.ts'
import { checkRequest, type RequestPolicy } from '../auth/requestPolicy.ts'
import { signToken } from '../auth/signToken.ts'
import { hasControlBytes } from '../ops/hasControlBytes.ts'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import { ADMIN_PREFIX } from './adminRoutes.ts'
import { DOCS_PREFIX } from './docsRest.ts'
import { bearerToken } from './httpBody.ts'
import { RECORDS_PREFIX } from './recordsRest.ts'
import { serveStatic } from './serveStatic.ts'

/** What /healthz and /readyz report of the services the relay depends on. */
export interface DependencyStatus {
  /** Storage answered a ping in time. */
  storage: boolean
  /** Pub/sub links are up; null when the relay runs alone. */
  pubsub: boolean | null
  /** The names of the dependencies that are down, for an operator reading the probe. */
  down: ('storage' | 'pubsub')[]
}

export interface HttpRouteOptions {
  /** Whether this instance can serve: storage answers and the pub/sub link (if any) is up. */
  /** Storage and pub/sub status, for the probes. */
  dependencies: () => Promise<DependencyStatus>
  /** Handles /admin/... when an admin token is configured; errors become 500s. */
  admin?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** Handles /v1/docs/...; errors become 500s. */
  docs: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** Application routes (onRequest hooks), tried after the built-in ones: true when handled. */
  extra?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>
  /** Handles /v1/records/...; errors become 500s. */
  records?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  metrics: Metrics
  isClosing: () => boolean
  staticDir?: string
  /** Secret for /dev/token; the route exists only when this is set. */
  devSecret: Uint8Array | null
  /** Which Hosts, Origins and writes are accepted. */
  policy: RequestPolicy
  /** Bearer token /metrics asks for; open when absent. */
  metricsToken?: string
  log: Logger
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** The relay's plain HTTP side: health, metrics, demo tokens, and the playground's files. */
export function httpRoutes(options: HttpRouteOptions) {
  const route = routes(options)
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('x-content-type-options', 'nosniff')
    // Whatever a request holds, it costs at most its own answer.
    try {
      route(req, res)
    } catch (err) {
      options.log.error('unexpected error answering a request', { error: String(err) })
      options.metrics.inc('tandem_http_errors_total', 'Requests that failed inside the relay')
      if (!res.headersSent) json(res, 500, { error: 'internal error' })
      else res.destroy()
    }
  }
}

function pathOf(req: IncomingMessage): string | null {
  try {
    const pathname = new URL(req.url ?? '/', 'http://relay').pathname
    return hasControlBytes(pathname) || hasControlBytes(decodeURIComponent(pathname)) ? null : pathname
  } catch {
    return null
  }
}

function routes(options: HttpRouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = pathOf(req)
    if (pathname === null) return json(res, 400, { error: 'bad path' })
    const refused = checkRequest(options.policy, req)
    // Static files are as public as the page that links them; everything else is an API.
    const api = !options.staticDir || /^\/(v1|admin|dev|metrics|healthz|readyz)(\/|$)/.test(pathname)
    if (refused && (api || refused.error === 'host not allowed')) {
      options.metrics.inc('tandem_rejected_requests_total', 'HTTP requests refused, by reason', {
        reason: refused.error.split(' ')[0] ?? 'policy',
      })
      return json(res, refused.status, { error: refused.error })
    }
    if (pathname === '/healthz' || pathname === '/readyz') {
      // Liveness stays 200 while a dependency is down (restarting the relay would not bring it
      // back); readiness is 503 so a load balancer sends clients elsewhere. Both say what is down.
      options.dependencies().then(
        (d) => {
          const closing = options.isClosing()
          if (pathname === '/healthz') return json(res, closing ? 503 : 200, { ok: !closing, down: d.down })
          json(res, !closing && d.down.length === 0 ? 200 : 503, { ...d, closing })
        },
        () => json(res, 503, { storage: false, down: ['storage'] }),
      )
      return
    }
    if (pathname === '/metrics') {
      if (options.metricsToken !== undefined && !sameSecret(bearerToken(req), options.metricsToken)) {
        res.setHeader('www-authenticate', 'Bearer')
        return json(res, 401, { error: 'metrics need the metrics token' })
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' })
      return void res.end(options.metrics.render())
    }
    const rest = pathname.startsWith(DOCS_PREFIX)
      ? options.docs
      : pathname.startsWith(RECORDS_PREFIX)
        ? options.records
        : pathname.startsWith(ADMIN_PREFIX)
          ? options.admin
          : undefined
    if (rest) {
      rest(req, res, pathname).catch((err) => {
        options.log.error('unexpected error answering a request', { path: pathname, error: String(err) })
        if (!res.headersSent) json(res, 500, { error: 'internal error' })
        else res.destroy()
      })
      return
    }
    if (pathname === '/dev/token' && options.devSecret) return devToken(options.devSecret, req, res)
    const fallback = () => {
      if (options.staticDir && serveStatic(options.staticDir, req, res)) return
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    }
    if (!options.extra) return fallback()
    options.extra(req, res).then(
      (handled) => {
        if (!handled) fallback()
      },
      (err) => {
        options.log.error('unexpected error answering a request', { path: pathname, error: String(err) })
        if (!res.headersSent) json(res, 500, { error: 'internal error' })
      },
    )
  }
}

/** Compares in constant time, so the token cannot be guessed byte by byte from timings. */
function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Demo tokens for the playground: only with --dev, which the server allows on loopback only. */
function devToken(secret: Uint8Array, req: IncomingMessage, res: ServerResponse): void {
  const q = new URL(req.url ?? '/', 'http://relay').searchParams
  const scope = q.get('scope') ?? 'write'
  if (scope !== 'read' && scope !== 'write') return json(res, 400, { error: "scope must be 'read' or 'write'" })
  let ttl: number
  try {
    ttl = parseDuration(q.get('ttl') ?? '1h')
  } catch (err) {
    return json(res, 400, { error: (err as Error).message })
  }
  const sub = q.get('sub') ?? `guest-${Math.random().toString(36).slice(2, 8)}`
  const claims = {
    sub,
    name: q.get('name') ?? sub,
    docs: q.getAll('docs').length > 0 ? q.getAll('docs') : ['*'],
    collections: q.getAll('collections').length > 0 ? q.getAll('collections') : ['*'],
    scope: scope as 'read' | 'write',
  }
  signToken(secret, claims, ttl).then(
    (token) => json(res, 200, { token, ...claims }),
    (err) => json(res, 500, { error: String(err) }),
  )
}
