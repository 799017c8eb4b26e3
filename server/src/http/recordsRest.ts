import type { IncomingMessage, ServerResponse } from 'node:http'
import { COLLECTION_PATTERN, isRecordsError, parsePushBody } from '@tandem/records'
import type { RelayContext } from '../net/RelayContext.ts'
import type { RecordService } from '../records/RecordService.ts'
import { readBody, sendJson } from './httpBody.ts'
import { restAccess } from './restAccess.ts'

export const RECORDS_PREFIX = '/v1/records/'
const DEFAULT_LIMIT = 1_000
const MAX_LIMIT = 5_000

const json = sendJson

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
    const access = await restAccess(ctx, req)
    if ('error' in access) return json(res, access.status, { error: access.error })
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
    const bytes = await readBody(req, ctx.limits.maxFrameBytes)
    const body = bytes && new TextDecoder().decode(bytes)
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
