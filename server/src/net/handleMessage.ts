import {
  assertValidStateVector,
  CloseCode,
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeSyncStep2,
  MessageType,
  ProtocolError,
  SyncMessageType,
} from '@tandem/protocol'
import { isEmptyUpdate } from '../docs/isEmptyUpdate.ts'
import type { Peer } from '../docs/Peer.ts'
import type { Room } from '../docs/Room.ts'
import type { RoomDeps } from '../docs/RoomDeps.ts'
import { writeGate } from '../docs/writeGate.ts'

/** Entries one awareness message may list; stock clients send one, or all they know of. */
const MAX_AWARENESS_ENTRIES = 65_536

/**
 * Handles one binary frame of the standard y-websocket protocol. Throws ProtocolError for a bad
 * frame; updates go through writeGate, which closes the peer for one that does not integrate.
 */
export function handleMessage(
  ctx: Pick<RoomDeps, 'limits' | 'log' | 'metrics' | 'hooks'>,
  room: Room,
  conn: Peer,
  frame: Uint8Array,
  canWrite: boolean,
): boolean | undefined | void {
  const message = decodeMessage(frame)
  switch (message.type) {
    case MessageType.Sync: {
      if (message.sync === SyncMessageType.Step1) {
        assertValidStateVector(message.stateVector)
        const stateVector = message.stateVector.slice()
        room.doc
          .read((state) => state.diff(stateVector))
          .then(
            (diff) => {
              if (room.deletedAt) return conn.close(CloseCode.DocumentDeleted, 'document was deleted')
              conn.send(encodeSyncStep2(diff))
            },
            (err) => {
              ctx.log.error('loading document failed', { doc: room.name, error: String(err) })
              conn.close(CloseCode.StorageUnavailable, 'could not load document')
            },
          )
        return
      }
      // Stock clients answer a step 1 with an empty update when they have nothing new, read-only ones too.
      if (isEmptyUpdate(message.update)) return
      // A Step2 is forwarded as an Update (what integrated of it), because stock clients take
      // a Step2 to mean "you are now synced". The frame may be a view into ws's receive
      // buffer: the document keeps a copy of its own.
      writeGate(ctx, { room, update: message.update.slice(), canWrite, origin: conn }).catch(() => {})
      return
    }
    case MessageType.Awareness: {
      const { maxAwarenessBytes } = ctx.limits
      const received = decodeAwarenessUpdate(message.update, MAX_AWARENESS_ENTRIES, maxAwarenessBytes)
      // Filtered before the room keeps it: a joiner must never get what the hook dropped.
      const entries = ctx.hooks?.has('beforeBroadcastAwareness')
        ? ctx.hooks.awareness({ documentName: room.name, subject: conn.author ?? null, entries: received })
        : received
      if (entries === null) return false
      const accepted = room.awareness.apply(conn, entries, conn.awarenessIds, ctx.limits.maxAwarenessPerConnection)
      // Sent to the sender too: stock clients count any message as proof the link is alive.
      // Limits apply to what this connection owns, not to the others' states it echoes back
      // (stock clients re-send everything they hear).
      const owned = room.awareness.bytesOf(conn.awarenessIds)
      if (owned > maxAwarenessBytes) {
        throw new ProtocolError(`presence of ${owned} bytes exceeds the limit`, CloseCode.LimitExceeded)
      }
      if (accepted.length === 0) return false
      const unchanged = entries === received && accepted.length === entries.length
      room.presenceChanged(accepted, unchanged ? frame.slice() : null)
      return
    }
    case MessageType.QueryAwareness:
      if (room.awareness.size > 0) conn.send(encodeAwareness(room.awareness.entries()))
      return
    case MessageType.Auth:
      // Permission messages flow server -> client only; a client sending one is ignored.
      return
  }
}
