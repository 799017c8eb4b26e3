import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

interface Range {
  clock: number
  len: number
}

/** A V1 update's delete set, read from an update holding nothing else (cheap: no structs decoded). */
function deleteSetOf(state: Uint8Array, sv: Uint8Array): { bytes: Uint8Array; clients: Map<number, Range[]> } {
  const only = Y.diffUpdate(state, sv)
  return { bytes: only, clients: Y.decodeUpdate(only).ds.clients as Map<number, Range[]> }
}

/** `a` minus `b`, both sorted runs of one client's deleted clocks. */
function subtract(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = []
  let j = 0
  for (const r of a) {
    let start = r.clock
    const end = r.clock + r.len
    while (j < b.length && (b[j] as Range).clock + (b[j] as Range).len <= start) j++
    for (let k = j; start < end; k++) {
      const x = b[k]
      if (!x || x.clock >= end) {
        out.push({ clock: start, len: end - start })
        break
      }
      if (x.clock > start) out.push({ clock: start, len: x.clock - start })
      start = Math.max(start, x.clock + x.len)
    }
  }
  return out
}

function covers(a: readonly Range[], b: readonly Range[]): boolean {
  return subtract(b, a).length === 0
}

/**
 * What version `state` adds to version `previous`, as a V2 update: the structs `previous`
 * lacks and only the deletions it lacks. A plain `Y.diffUpdate` repeats the whole delete set
 * every time, which for a long-edited text costs more than the new structs; this way the
 * deltas of a history add up to about one copy of the document. Merged onto `previous` it
 * gives `state` back. Null when `state` does not contain `previous` (a document deleted and
 * created again under the same name): that version must be stored whole.
 */
export function versionDelta(state: Uint8Array, previous: Uint8Array): Uint8Array | null {
  const stateSv = Y.encodeStateVectorFromUpdate(state)
  const previousSv = Y.encodeStateVectorFromUpdate(previous)
  const clocks = Y.decodeStateVector(stateSv)
  for (const [client, clock] of Y.decodeStateVector(previousSv)) {
    if ((clocks.get(client) ?? 0) < clock) return null
  }
  const now = deleteSetOf(state, stateSv)
  const before = deleteSetOf(previous, previousSv)
  for (const [client, ranges] of before.clients) {
    if (!covers(now.clients.get(client) ?? [], ranges)) return null
  }
  const diff = Y.diffUpdate(state, previousSv)
  // A V1 update is its structs, then its delete set; `now.bytes` is "no structs" (one 0 byte)
  // followed by exactly the delete set the diff ends with.
  const tail = now.bytes.subarray(1)
  const structs = diff.subarray(0, diff.length - tail.length)
  if (now.bytes[0] !== 0 || !sameBytes(diff.subarray(structs.length), tail)) return null
  const added = [...now.clients]
    .map(([client, ranges]) => [client, subtract(ranges, before.clients.get(client) ?? [])] as const)
    .filter(([, ranges]) => ranges.length > 0)
  const e = encoding.createEncoder()
  encoding.writeUint8Array(e, structs)
  encoding.writeVarUint(e, added.length)
  for (const [client, ranges] of added) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, ranges.length)
    for (const r of ranges) {
      encoding.writeVarUint(e, r.clock)
      encoding.writeVarUint(e, r.len)
    }
  }
  return Y.convertUpdateFormatV1ToV2(encoding.toUint8Array(e))
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Stored data is V2 (smaller than V1 for text by about 40 %); rows written before deltas hold V1. */
export const ENCODING_V1 = 1
export const ENCODING_V2 = 2

export const toStoredV2 = (data: Uint8Array, enc: number): Uint8Array =>
  enc === ENCODING_V1 ? Y.convertUpdateFormatV1ToV2(data) : data
