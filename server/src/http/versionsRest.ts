import type { IncomingMessage, ServerResponse } from 'node:http'
import { ProtocolError } from '@tandem/protocol'
import type { Access } from '../auth/Access.ts'
import type { Room } from '../docs/Room.ts'
import { restoreUpdate } from '../docs/restoreUpdate.ts'
import type { VersionRecorder } from '../docs/VersionRecorder.ts'
import { WriteRefused, writeGate } from '../docs/writeGate.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { exportJson } from './docExport.ts'
import { readBody, sendJson } from './httpBody.ts'

/** `<name>/versions`, `<name>/versions/<id>`, `<name>/versions/<id>/restore` (name still URL-encoded). */
const VERSIONS_PATH = /^(.+)\/versions(?:\/(\d{1,15})(\/restore)?)?\/?$/

export interface VersionsRequest {
  /** Encoded document name. */
  doc: string
  id: number | null
  restore: boolean
}

export function parseVersionsPath(rest: string): VersionsRequest | null {
  const m = VERSIONS_PATH.exec(rest)
  if (!m) return null
  return { doc: m[1] as string, id: m[2] === undefined ? null : Number(m[2]), restore: m[3] !== undefined }
}

const authorOf = (access: Access) => [access.subject ?? 'anonymous']

/**
 * A document's history over HTTP, with the document's own access: read scope lists and
 * previews versions, write scope names the current state and restores. A restore is one
 * forward change through the write gate (committed before anyone sees it), so edits made
 * concurrently, offline or not, still merge on top; it is then recorded as a version itself.
 */
export async function versionsRest(
  ctx: RelayContext,
  history: VersionRecorder,
  room: Room,
  access: Access,
  request: VersionsRequest,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { id } = request
  const canWrite = access.canWriteDoc(room.name)
  if (request.restore) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST' })
    if (!canWrite) return sendJson(res, 403, { error: 'restoring needs write access' })
    const target = await history.storage.state(room.name, id as number)
    if (!target) return sendJson(res, 404, { error: `no version ${id}` })
    const update = restoreUpdate(await room.doc.current(), target)
    try {
      await writeGate(ctx, { room, update, canWrite, origin: null })
    } catch (err) {
      if (err instanceof WriteRefused) return sendJson(res, err.status, { error: err.message })
      if (err instanceof ProtocolError) return sendJson(res, 422, { error: err.message })
      throw err
    }
    const version = await history.record(room, { name: `Restored version ${id}`, authors: authorOf(access) })
    return sendJson(res, 200, { restored: id, version })
  }
  if (id !== null) {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET' })
    const state = await history.storage.state(room.name, id)
    if (!state) return sendJson(res, 404, { error: `no version ${id}` })
    const format = new URL(req.url ?? '/', 'http://x').searchParams.get('format')
    if (format === 'json') return sendJson(res, 200, exportJson(state))
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' })
    return void res.end(state)
  }
  if (req.method === 'GET') return sendJson(res, 200, { versions: await history.storage.list(room.name) })
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'GET or POST' })
  if (!canWrite) return sendJson(res, 403, { error: 'naming a version needs write access' })
  const body = await readBody(req, 64 * 1024)
  if (!body) return sendJson(res, 413, { error: 'body too large' })
  let name: unknown
  try {
    name = body.length === 0 ? undefined : (JSON.parse(new TextDecoder().decode(body)) as { name?: unknown }).name
  } catch {
    return sendJson(res, 400, { error: 'body must be JSON: {"name": "..."}' })
  }
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    return sendJson(res, 400, { error: 'name must be a string of 1 to 200 characters' })
  }
  const version = await history.record(room, { name, authors: authorOf(access) })
  return sendJson(res, 201, { version })
}
