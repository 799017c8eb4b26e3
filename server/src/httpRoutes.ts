import type { IncomingMessage, ServerResponse } from 'node:http'
import { ADMIN_PREFIX } from './admin/adminRoutes.ts'
import { parseDuration } from './auth/parseDuration.ts'
import { signToken } from './auth/signToken.ts'
import { DOCS_PREFIX } from './docsRest.ts'
import type { Metrics } from './Metrics.ts'
import { RECORDS_PREFIX } from './records/recordsRest.ts'
import { serveStatic } from './serveStatic.ts'

export interface HttpRouteOptions {
  /** Whether this instance can serve: storage answers and the pub/sub link (if any) is up. */
  ready: () => Promise<{ storage: boolean; pubsub: boolean | null }>
  /** Handles /admin/... when an admin token is configured; errors become 500s. */
  admin?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** Handles /v1/docs/...; errors become 500s. */
  docs: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** Handles /v1/records/...; errors become 500s. */
  records?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  metrics: Metrics
  isClosing: () => boolean
  staticDir?: string
  /** Secret for /dev/token; the route exists only when this is set. */
  devSecret: Uint8Array | null
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** The relay's plain HTTP side: health, metrics, demo tokens, and the playground's files. */
export function httpRoutes(options: HttpRouteOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://relay')
    if (url.pathname === '/healthz') return json(res, options.isClosing() ? 503 : 200, { ok: !options.isClosing() })
    if (url.pathname === '/readyz') {
      options.ready().then(
        (r) =>
          json(res, !options.isClosing() && r.storage && r.pubsub !== false ? 200 : 503, {
            ...r,
            closing: options.isClosing(),
          }),
        () => json(res, 503, { storage: false }),
      )
      return
    }
    if (url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      return void res.end(options.metrics.render())
    }
    const rest = url.pathname.startsWith(DOCS_PREFIX)
      ? options.docs
      : url.pathname.startsWith(RECORDS_PREFIX)
        ? options.records
        : url.pathname.startsWith(ADMIN_PREFIX)
          ? options.admin
          : undefined
    if (rest) {
      rest(req, res, url.pathname).catch((err) => {
        if (!res.headersSent) json(res, 500, { error: String(err) })
        else res.destroy()
      })
      return
    }
    if (url.pathname === '/dev/token' && options.devSecret) return devToken(options.devSecret, url, res)
    if (options.staticDir && serveStatic(options.staticDir, req, res)) return
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
  }
}

/** Demo tokens for the playground: only with --dev, which the server allows on loopback only. */
function devToken(secret: Uint8Array, url: URL, res: ServerResponse): void {
  const q = url.searchParams
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
