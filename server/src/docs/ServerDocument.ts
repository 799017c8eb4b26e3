import { decodeMessage, MessageType, SyncMessageType } from '@tandem/protocol'
import * as Y from 'yjs'
import type { Peer } from './Peer.ts'
import type { Room } from './Room.ts'
import { type GateDeps, WriteRefused, writeGate } from './writeGate.ts'

/**
 * A live Y.Doc held by code running in the relay (a bot, an import, an agent). Its local edits
 * go through writeGate like a client's, so peers see them only once committed; changes others
 * commit are applied to it as they are broadcast.
 */
export interface ServerDocument {
  readonly name: string
  readonly doc: Y.Doc
  /** False once `close()` ran or the relay ended the membership (storage failure, deletion, shutdown). */
  readonly open: boolean
  /** Resolves once every local edit made so far is committed; rejects with WriteRefused if one was refused. */
  committed(): Promise<void>
  /** Leaves the room; the Y.Doc stays readable but its edits go nowhere. Idempotent. */
  close(): void
}

export interface ServerDocumentOptions {
  /** A local edit the relay refused, or the relay ending the membership; logged when absent. */
  onError?: (err: WriteRefused) => void
}

let nextId = 0

/** Joins `room` as a peer, loads its committed state into a fresh Y.Doc and resolves with it. */
export async function openServerDocument(
  ctx: GateDeps,
  room: Room,
  options: ServerDocumentOptions = {},
  onClosed: (sd: ServerDocument) => void = () => {},
): Promise<ServerDocument> {
  const doc = new Y.Doc()
  // Origin of updates that came from the room: they are not sent back.
  const fromRoom = Symbol('room')
  let open = true
  let last: Promise<void> = Promise.resolve()
  let failure: WriteRefused | null = null
  const report = (err: WriteRefused) => {
    failure ??= err
    if (!options.onError) return ctx.log.warn('server document write refused', { doc: room.name, reason: err.message })
    try {
      options.onError(err)
    } catch (thrown) {
      ctx.log.error('server document error callback failed', { doc: room.name, error: String(thrown) })
    }
  }
  const leave = () => {
    if (!open) return
    open = false
    doc.off('update', onUpdate)
    room.leave(peer)
    onClosed(handle)
  }
  const peer: Peer = {
    awarenessIds: new Set(),
    connId: -1 - nextId++,
    send(frame) {
      const message = decodeMessage(frame)
      // Only committed document changes matter here; presence and sync requests are for sockets.
      if (message.type !== MessageType.Sync || message.sync === SyncMessageType.Step1) return
      // The application's observers run inside: one that throws must not stop the broadcast.
      try {
        Y.applyUpdate(doc, message.update, fromRoom)
      } catch (err) {
        ctx.log.error('a server document observer failed', { doc: room.name, error: String(err) })
      }
    },
    refuseWrite(reason) {
      report(new WriteRefused(reason, 0, 403))
    },
    close(code, reason) {
      if (!open) return
      report(new WriteRefused(reason, code, 503))
      leave()
    },
  }
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === fromRoom || !open) return
    // One promise chain in edit order: `committed()` waits for the latest, which the room
    // commits after every earlier one.
    let written: Promise<void>
    try {
      written = writeGate(ctx, { room, update, canWrite: true, origin: peer })
    } catch (err) {
      written = Promise.reject(err)
    }
    const settled = written.catch((err: unknown) => {
      const refused = err instanceof WriteRefused ? err : new WriteRefused(String(err), 0, 500)
      // A refusal first closes the peer, which already reported it.
      if (open) report(refused)
      else failure ??= refused
    })
    last = last.then(() => settled)
  }
  const handle: ServerDocument = {
    name: room.name,
    doc,
    get open() {
      return open
    },
    async committed() {
      await last
      if (failure) throw failure
    },
    close: leave,
  }
  // Join first: what commits while the state loads is broadcast to this peer, and applying
  // it twice is harmless.
  room.join(peer)
  try {
    Y.applyUpdate(doc, await room.doc.current(), fromRoom)
  } catch (err) {
    leave()
    throw err
  }
  doc.on('update', onUpdate)
  return handle
}
