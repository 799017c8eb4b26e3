import { CloseCode, ProtocolError } from '@tandem/protocol'
import * as Y from 'yjs'
import type { DecodedUpdate } from './integrityProblem.ts'
import { isEmptyUpdate } from './isEmptyUpdate.ts'
import { IntegrityError } from './LiveDoc.ts'
import type { Peer } from './Peer.ts'
import type { Room } from './Room.ts'
import type { RoomDeps } from './RoomDeps.ts'
import { WriteFailed } from './RoomDoc.ts'

export interface WriteRequest {
  room: Room
  update: Uint8Array
  /** The token allows writing this document. */
  canWrite: boolean
  /** The peer that sent it: it is not echoed the change, and is closed if the write is refused. */
  origin: Peer | null
  /** The client's sequence number (Tandem DocUpdate), for a Refused reply. */
  seq?: number
}

/** A write that was not committed, with what to tell a socket (close code) or an HTTP client (status). */
export class WriteRefused extends Error {
  override readonly name = 'WriteRefused'
  constructor(
    message: string,
    readonly closeCode: number,
    readonly status: number,
  ) {
    super(message)
  }
}

/** What the gate itself uses: it reports refusals; the room does the committing. */
export type GateDeps = Pick<RoomDeps, 'log' | 'metrics'>

/**
 * The one entry of every write (stock sockets, Tandem sockets, REST, admin import): authorize,
 * parse, check that the update integrates, integrate, commit, forward. Resolves once what the
 * update carried is committed (content waiting for a dependency: once it integrated); rejects
 * with WriteRefused after telling `origin` (a write that does not integrate closes it with
 * InvalidUpdate, a read-only one is refused). Bytes that are no Yjs update at all throw
 * ProtocolError at once, so a socket is closed before it reads its next frame.
 */
export function writeGate(ctx: GateDeps, request: WriteRequest): Promise<void> {
  const { room, update, origin } = request
  if (!request.canWrite) {
    ctx.metrics.inc('tandem_refused_writes_total', 'Writes refused for lack of write permission')
    origin?.refuseWrite('read-only access', request.seq)
    return Promise.reject(new WriteRefused('read-only access', CloseCode.Forbidden, 403))
  }
  // Clients send an empty update when they have nothing the relay lacks: nothing to integrate.
  if (isEmptyUpdate(update)) return room.doc.barrier().catch((err) => Promise.reject(refusal(ctx, request, err)))
  let decoded: DecodedUpdate
  try {
    decoded = Y.decodeUpdate(update)
  } catch (err) {
    throw new ProtocolError(`not a valid Yjs update: ${(err as Error).message}`, CloseCode.InvalidUpdate, {
      cause: err,
    })
  }
  const written = room.doc.write(update, decoded, origin)
  return written.catch((err: unknown) => {
    const refused = refusal(ctx, request, err)
    origin?.close(refused.closeCode, refused.message)
    throw refused
  })
}

function refusal(ctx: GateDeps, { room, origin }: WriteRequest, err: unknown): WriteRefused {
  if (err instanceof IntegrityError) {
    ctx.metrics.inc('tandem_unintegrable_updates_total', 'Updates refused because they do not integrate')
    ctx.log.warn('refused an update that does not integrate', {
      doc: room.name,
      conn: origin?.connId ?? 'rest',
      problem: err.message,
    })
    return new WriteRefused(`update does not integrate: ${err.message}`, CloseCode.InvalidUpdate, 422)
  }
  if (err instanceof WriteFailed) {
    if (err.reason === 'deleted') return new WriteRefused(err.message, CloseCode.DocumentDeleted, 410)
    if (err.reason === 'held-dropped') return new WriteRefused(err.message, CloseCode.UnresolvedUpdate, 409)
  }
  return new WriteRefused('storage unavailable', CloseCode.StorageUnavailable, 503)
}
