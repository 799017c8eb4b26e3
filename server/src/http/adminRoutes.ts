import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { assertValidUpdate, ProtocolError } from '@tandem/protocol'
import { validDocName } from '../docs/parseDocName.ts'
import type { RoomRegistry } from '../docs/RoomRegistry.ts'
import { WriteRefused, writeGate } from '../docs/writeGate.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { exportJson, exportText } from './docExport.ts'
import { bearerToken, readBody } from './httpBody.ts'

export const ADMIN_PREFIX = '/admin/'

const digest = (s: string) => createHash('sha256').update(s).digest()

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(type === 'application/json' ? JSON.stringify(body) : (body as string | Uint8Array))
}

/**
 * The operator's API (Bearer admin token): list documents, export one (Yjs update, JSON,
 * plain text), import one, delete one. A delete leaves a tombstone: everyone on the document
 * is closed with DocumentDeleted, and no client can write the old document back.
 */
export function adminRoutes(ctx: RelayContext, rooms: RoomRegistry, adminToken: string) {
  const expected = digest(adminToken)
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const token = bearerToken(req)
    const given = token === null ? null : digest(token)
    if (!given || !timingSafeEqual(given, expected)) {
      ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason: 'invalid', path: 'admin' })
      return send(res, 401, { error: 'admin token required' })
    }
    if (path === `${ADMIN_PREFIX}docs` && req.method === 'GET')
      return send(res, 200, { docs: await ctx.storage.describe() })
    if (!path.startsWith(`${ADMIN_PREFIX}docs/`)) return send(res, 404, { error: 'not found' })
    let name: string
    try {
      name = decodeURIComponent(path.slice(`${ADMIN_PREFIX}docs/`.length))
    } catch {
      return send(res, 400, { error: 'bad document name' })
    }
    if (!validDocName(name, ctx.limits.maxDocNameLength)) return send(res, 400, { error: 'bad document name' })
    const room = rooms.get(name)
    if (req.method === 'GET') {
      const state = await room.doc.current()
      if (room.deletedAt) return send(res, 410, { error: `'${name}' was deleted`, deletedAt: room.deletedAt })
      const format = new URL(req.url ?? '/', 'http://relay').searchParams.get('format') ?? 'yjs'
      if (format === 'json') return send(res, 200, exportJson(state))
      if (format === 'text') return send(res, 200, exportText(state), 'text/plain; charset=utf-8')
      if (format === 'yjs') return send(res, 200, state, 'application/octet-stream')
      return send(res, 400, { error: 'format must be yjs, json or text' })
    }
    if (req.method === 'DELETE') {
      await ctx.storage.remove(name)
      room.markDeleted(Date.now())
      ctx.cluster?.publish(name, 'deleted', new Uint8Array())
      return send(res, 200, { deleted: name })
    }
    if (req.method === 'POST') {
      const body = await readBody(req, ctx.limits.maxFrameBytes)
      if (!body) return send(res, 413, { error: 'update too large' })
      try {
        // Bytes that are no update at all must not bring a deleted document back.
        assertValidUpdate(body)
      } catch (err) {
        return send(res, 422, { error: (err as Error).message })
      }
      await room.doc.current()
      if (room.deletedAt) {
        await ctx.storage.restore(name)
        room.undelete()
        ctx.cluster?.publish(name, 'restored', new Uint8Array())
      }
      try {
        await writeGate(ctx, { room, update: body, canWrite: true, origin: null })
      } catch (err) {
        if (err instanceof WriteRefused) return send(res, err.status, { error: err.message })
        if (err instanceof ProtocolError) return send(res, 422, { error: err.message })
        throw err
      }
      return send(res, 200, { imported: name })
    }
    send(res, 405, { error: 'GET, POST or DELETE' })
  }
}
