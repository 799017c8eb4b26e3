import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { type HlcStamp, MAX_COUNTER, MAX_WALL, parseStamp } from './HlcStamp.ts'
import { RecordsError } from './RecordsError.ts'

const WALL_DIGITS = 9
const COUNTER_DIGITS = 4
const STRING_FORM = /^([0-9a-z]{9})([0-9a-z]{4})([A-Za-z0-9_.:-]{1,64})$/

/**
 * Compact text form: 9 base-36 digits of wall time, 4 of counter, then the node id, with no
 * separators. Fixed widths make plain string comparison agree with {@link compareStamps}, so
 * the string can serve directly as an IndexedDB or SQL index key.
 */
export function encodeStamp(stamp: HlcStamp): string {
  const checked = parseStamp(stamp)
  return (
    checked.wall.toString(36).padStart(WALL_DIGITS, '0') +
    checked.counter.toString(36).padStart(COUNTER_DIGITS, '0') +
    checked.node
  )
}

/** Inverse of {@link encodeStamp}; throws {@link RecordsError} `invalid-stamp` on anything else. */
export function decodeStamp(text: unknown): HlcStamp {
  const match = typeof text === 'string' ? STRING_FORM.exec(text) : null
  if (!match)
    throw new RecordsError('invalid-stamp', `not an encoded stamp: ${JSON.stringify(String(text)).slice(0, 80)}`)
  const wall = Number.parseInt(match[1]!, 36)
  const counter = Number.parseInt(match[2]!, 36)
  if (counter > MAX_COUNTER) throw new RecordsError('invalid-stamp', `stamp counter ${counter} exceeds ${MAX_COUNTER}`)
  return { wall, counter, node: match[3]! }
}

/** Appends the binary form (varuint wall, varuint counter, varstring node) to an encoder. */
export function writeStamp(encoder: encoding.Encoder, stamp: HlcStamp): void {
  encoding.writeVarUint(encoder, stamp.wall)
  encoding.writeVarUint(encoder, stamp.counter)
  encoding.writeVarString(encoder, stamp.node)
}

/** Binary form for frames and digests: about 9 bytes plus the node id instead of ~40 as JSON. */
export function encodeStampBinary(stamp: HlcStamp): Uint8Array {
  const encoder = encoding.createEncoder()
  writeStamp(encoder, parseStamp(stamp))
  return encoding.toUint8Array(encoder)
}

/** Inverse of {@link encodeStampBinary}: rejects truncation, out-of-range values and trailing bytes. */
export function decodeStampBinary(bytes: Uint8Array): HlcStamp {
  if (!(bytes instanceof Uint8Array)) throw new RecordsError('invalid-stamp', 'binary stamp must be a Uint8Array')
  const decoder = decoding.createDecoder(bytes)
  let stamp: HlcStamp
  try {
    const wall = decoding.readVarUint(decoder)
    const counter = decoding.readVarUint(decoder)
    const node = decoding.readVarString(decoder)
    stamp = { wall, counter, node }
  } catch (err) {
    throw new RecordsError('invalid-stamp', `truncated binary stamp: ${(err as Error).message}`, { cause: err })
  }
  if (decoding.hasContent(decoder)) throw new RecordsError('invalid-stamp', 'trailing bytes after binary stamp')
  if (stamp.wall > MAX_WALL) throw new RecordsError('invalid-stamp', 'binary stamp wall time out of range')
  return parseStamp(stamp)
}
