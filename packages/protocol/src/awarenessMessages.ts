import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { CloseCode } from './closeCodes.ts'
import { MessageType } from './messageType.ts'
import { ProtocolError } from './ProtocolError.ts'

/**
 * One client's presence as y-protocols/awareness puts it on the wire. `state` is kept as the
 * JSON text it arrived as, so a relay can forward it without re-serialising; the text
 * `null` means the client left.
 */
export interface AwarenessEntry {
  clientID: number
  clock: number
  state: string
}

/** The body of an awareness message (what y-protocols calls an awareness update). */
export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientID)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, e.state)
  }
  return encoding.toUint8Array(encoder)
}

/**
 * Decodes an awareness update. Every state must be JSON text: a relay that forwarded
 * anything else would make every stock client in the room throw while parsing it.
 * `maxEntries` bounds the work a hostile count can cause.
 */
export function decodeAwarenessUpdate(
  update: Uint8Array,
  maxEntries = 1024,
  maxStateBytes = Number.POSITIVE_INFINITY,
): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    if (count > maxEntries) {
      throw new ProtocolError(`awareness update lists ${count} clients, more than ${maxEntries}`)
    }
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const state = decoding.readVarString(decoder)
      // Checked before parsing: a huge or deeply nested state costs memory just to parse.
      if (state.length > maxStateBytes)
        throw new ProtocolError(`presence state of ${state.length} bytes`, CloseCode.LimitExceeded)
      if (nestingDepth(state) > MAX_DEPTH)
        throw new ProtocolError('presence state nested too deeply', CloseCode.LimitExceeded)
      JSON.parse(state)
      entries.push({ clientID, clock, state })
    }
    return entries
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    throw new ProtocolError(`malformed awareness update: ${(err as Error).message}`, undefined, { cause: err })
  }
}

const MAX_DEPTH = 64

/** Deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it. */
function nestingDepth(json: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) max = Math.max(max, ++depth)
    else if (c === 93 || c === 125) depth--
  }
  return max
}

/** A whole awareness message: type, then the update. */
export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  return encodeAwarenessFrame(encodeAwarenessUpdate(entries))
}

/** A whole awareness message around an already encoded update (y-protocols' encoding). */
export function encodeAwarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Awareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

/** Asks the other side to send all awareness states it knows. */
export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.QueryAwareness)
  return encoding.toUint8Array(encoder)
}
