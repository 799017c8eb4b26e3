import type { IncomingMessage, ServerResponse } from 'node:http'
import { ProtocolError } from '@tandem/protocol'
import { validDocName } from '../docs/parseDocName.ts'
import type { RoomRegistry } from '../docs/RoomRegistry.ts'
import type { VersionRecorder } from '../docs/VersionRecorder.ts'
import { WriteRefused, writeGate } from '../docs/writeGate.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { readBody } from './httpBody.ts'
import { restAccess } from './restAccess.ts'
import { parseVersionsPath, versionsRest } from './versionsRest.ts'

export const DOCS_PREFIX = '/v1/docs/'

function send(res: ServerResponse, status: number, body: string | Uint8Array, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(body)
}
const error = (res: ServerResponse, status: number, message: string) =>
  send(res, status, JSON.stringify({ error: message }))

/**
 * Documents over plain HTTP, for scripts and servers that hold no socket: GET returns the
 * whole state as a Yjs update, POST applies one. The token travels as a Bearer header and
 * is checked exactly as on a WebSocket; a POST answers only once the update is committed.
 */
export function docsRest(ctx: RelayContext, rooms: RoomRegistry, history: VersionRecorder) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    // A name holding "/versions" itself reaches its document with the slash encoded (%2F).
    const versions = parseVersionsPath(path.slice(DOCS_PREFIX.length))
    let name: string
    try {
      name = decodeURIComponent(versions ? versions.doc : path.slice(DOCS_PREFIX.length))
    } catch {
      return error(res, 400, 'bad document name')
    }
    if (!validDocName(name, ctx.limits.maxDocNameLength)) return error(res, 400, 'bad document name')
    const access = await restAccess(ctx, req)
    if ('error' in access) return error(res, access.status, access.error)
    if (!access.canReadDoc(name)) return error(res, 403, `token does not open '${name}'`)
    const room = rooms.get(name)
    const state = await room.doc.current()
    if (room.deletedAt) return error(res, 410, `'${name}' was deleted`)
    if (versions) return versionsRest(ctx, history, room, access, versions, req, res)
    if (req.method === 'GET') return send(res, 200, state, 'application/octet-stream')
    if (req.method !== 'POST') return error(res, 405, 'GET or POST')
    const body = await readBody(req, ctx.limits.maxFrameBytes)
    if (!body) return error(res, 413, 'update too large')
    try {
      await writeGate(ctx, { room, update: body, canWrite: access.canWriteDoc(name), origin: null })
    } catch (err) {
      if (err instanceof WriteRefused) return error(res, err.status, err.message)
      if (err instanceof ProtocolError) return error(res, 422, err.message)
      throw err
    }
    send(res, 200, JSON.stringify({ ok: true }))
  }
}
