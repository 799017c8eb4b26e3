import type { IncomingMessage, ServerResponse } from 'node:http'
import { COLLECTION_PATTERN, isRecordsError, parsePushBody } from '@tandem/records'
import { Access } from '../auth/Access.ts'
import { AuthError } from '../auth/TokenVerifier.ts'
import type { RelayContext } from '../RelayContext.ts'
import type { RecordService } from './RecordService.ts'

export const RECORDS_PREFIX = '/v1/records/'
const DEFAULT_LIMIT = 1_000
const MAX_LIMIT = 5_000

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Records over plain HTTP, for clients without a socket; same operations, same checks:
 *   GET  /v1/records/<collection>?since=<token>&limit=N  -> {changes, token, reset, more}
 *   POST /v1/records/<collection>[/mutations]  {mutations}  -> {results}
 * A POST answers 409 if any mutation hit an authority conflict, 400 if any was invalid (the
 * valid ones are still applied; `results` says which), 403 for a read-only token.
 */
export function recordsRest(ctx: RelayContext, service: RecordService) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const rest = path.slice(RECORDS_PREFIX.length)
    const [collection = '', suffix, ...extra] = rest.split('/')
    if (!COLLECTION_PATTERN.test(collection) || extra.length > 0 || (suffix !== undefined && suffix !== 'mutations')) {
      return json(res, 400, { error: `bad collection path; collections match ${COLLECTION_PATTERN}` })
    }
    let access: Access
    try {
      const header = req.headers.authorization ?? ''
      const token = header.startsWith('Bearer ') ? header.slice(7) : null
      access = ctx.verifyToken ? Access.of(await ctx.verifyToken(token)) : Access.open()
    } catch (err) {
      const reason = err instanceof AuthError ? err.reason : 'invalid'
      ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason, path: 'rest' })
      return json(res, 401, { error: err instanceof Error ? err.message : 'unauthorized' })
    }
    if (!access.canReadCollection(collection)) return json(res, 403, { error: `token does not open '${collection}'` })
    if (req.method === 'GET') {
      const url = new URL(req.url ?? '/', 'http://relay')
      const limitText = url.searchParams.get('limit')
      const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText)
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return json(res, 400, { error: `limit must be an integer from 1 to ${MAX_LIMIT}` })
      }
      const page = await service.pull(collection, url.searchParams.get('since') ?? '', limit)
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      return void res.end(page.json)
    }
    if (req.method !== 'POST') return json(res, 405, { error: 'GET or POST' })
    if (!access.canWriteCollection(collection)) return json(res, 403, { error: 'read-only access' })
    const body = await readBody(req, ctx.limits.maxFrameBytes)
    if (body === null) return json(res, 413, { error: 'body too large' })
    let raws: unknown[]
    try {
      raws = parsePushBody(body)
    } catch (err) {
      return json(res, 400, {
        error: `expected {"mutations": [...]}: ${isRecordsError(err) ? err.message : 'bad body'}`,
      })
    }
    const results = await service.push(collection, raws, true)
    const rejected = results.filter((r) => r.status === 'rejected')
    if (rejected.some((r) => r.reason === 'conflict')) return json(res, 409, { error: 'authority conflict', results })
    const invalid = rejected.find((r) => r.reason !== 'conflict')
    if (invalid) return json(res, 400, { error: invalid.message, results })
    if (results.some((r) => r.status === 'error')) return json(res, 503, { error: 'storage unavailable', results })
    json(res, 200, { results })
  }
}
