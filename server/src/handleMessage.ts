import {
  assertValidStateVector,
  assertValidUpdate,
  CloseCode,
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwareness,
  encodeSyncStep2,
  MessageType,
  ProtocolError,
  SyncMessageType,
} from '@tandem/protocol'
import { isEmptyUpdate } from './isEmptyUpdate.ts'
import type { Peer } from './Peer.ts'
import type { RelayContext } from './RelayContext.ts'
import type { Room } from './Room.ts'

/** Entries one awareness message may list; stock clients send one, or all they know of. */
const MAX_AWARENESS_ENTRIES = 65_536

/**
 * Handles one binary frame of the standard y-websocket protocol. Throws ProtocolError for bad
 * input; nothing reaches the room before the frame has been fully validated.
 */
export function handleMessage(
  ctx: RelayContext,
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
        room.getState().then(
          (state) => {
            if (room.deletedAt) return conn.close(CloseCode.DocumentDeleted, 'document was deleted')
            try {
              conn.send(encodeSyncStep2(state.diff(stateVector)))
            } catch (err) {
              ctx.log.error('cannot read document state', { doc: room.name, error: String(err) })
              conn.close(CloseCode.InternalError, 'document state unreadable')
            }
          },
          (err) => {
            ctx.log.error('loading document failed', { doc: room.name, error: String(err) })
            conn.close(CloseCode.StorageUnavailable, 'could not load document')
          },
        )
        return
      }
      if (isEmptyUpdate(message.update)) return
      if (!canWrite) {
        ctx.metrics.inc('tandem_refused_writes_total', 'Writes refused for lack of write permission')
        return conn.refuseWrite('read-only access')
      }
      assertValidUpdate(message.update)
      // The frame may be a view into ws's receive buffer; keep one copy of our own. The update
      // is the frame's tail (decodeMessage refuses trailing bytes). An Update frame is
      // forwarded as it came; a Step2 is re-sent as an Update, because stock clients take a
      // Step2 to mean "you are now synced".
      const copy = frame.slice()
      const update = copy.subarray(copy.length - message.update.length)
      room.write(update, message.sync === SyncMessageType.Update ? copy : null, conn)
      return
    }
    case MessageType.Awareness: {
      const { maxAwarenessBytes } = ctx.limits
      const entries = decodeAwarenessUpdate(message.update, MAX_AWARENESS_ENTRIES, maxAwarenessBytes)
      const accepted = room.awareness.apply(conn, entries, conn.awarenessIds, ctx.limits.maxAwarenessPerConnection)
      // Sent to the sender too: stock clients count any message as proof the link is alive.
      // Limits apply to what this connection owns, not to the others' states it echoes back
      // (stock clients re-send everything they hear).
      const owned = room.awareness.bytesOf(conn.awarenessIds)
      if (owned > maxAwarenessBytes) {
        throw new ProtocolError(`presence of ${owned} bytes exceeds the limit`, CloseCode.LimitExceeded)
      }
      if (accepted.length === 0) return false
      room.presenceChanged(accepted, accepted.length === entries.length ? frame.slice() : null)
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
