import * as Y from 'yjs'

type Store = Y.Doc['store']
/** A parsed update (Y.decodeUpdate): its structs and delete set. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/** Clocks past this lose precision in Yjs's arithmetic; no real client gets near it. */
const MAX_CLOCK = Number.MAX_SAFE_INTEGER

/**
 * Why `update` could not be integrated into `doc` without an exception, or null if it can
 * (possibly only in part, with the rest waiting for dependencies still in flight).
 *
 * Yjs trusts its input: it checks that an item's references to other clients exist (and
 * holds the item back otherwise), but not references to the item's own client, lengths, or
 * that the neighbours it names share one parent. A crafted or bit-flipped update that parses
 * can therefore throw midway through `Y.applyUpdate` (findIndexSS "Unexpected case"), leaving
 * the document half-changed, or integrate in a way that depends on arrival order, so a fresh
 * client would see something else than the clients that were connected. Everything Yjs would
 * not itself check is checked here, before anything is applied.
 */
export function integrityProblem(doc: Y.Doc, update: Uint8Array | DecodedUpdate): string | null {
  let decoded: DecodedUpdate
  if (update instanceof Uint8Array) {
    try {
      decoded = Y.decodeUpdate(update)
    } catch (err) {
      return `not a valid Yjs update: ${(err as Error).message}`
    }
  } else decoded = update
  const store = doc.store
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id
    if (struct.length < 1) return `struct ${client}:${clock} has no length`
    if (clock + struct.length > MAX_CLOCK) return `struct ${client}:${clock} ends past the largest clock`
    if (!(struct instanceof Y.Item)) continue
    const problem = itemProblem(store, struct)
    if (problem) return `item ${client}:${clock} ${problem}`
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      if (len < 1 || clock + len > MAX_CLOCK) return `delete range ${client}:${clock}+${len} is out of bounds`
    }
  }
  return null
}

function itemProblem(store: Store, item: Y.Item): string | null {
  const { client, clock } = item.id
  // Yjs resolves references to the item's own client without checking that they exist:
  // they must point before the item (its own earlier structs are always integrated first).
  if (item.origin && item.origin.client === client && item.origin.clock >= clock) return 'has an origin after itself'
  if (item.rightOrigin && item.rightOrigin.client === client && item.rightOrigin.clock >= clock)
    return 'has a right origin after itself'
  const parent = item.parent as unknown
  if (parent instanceof Y.ID && parent.client === client && parent.clock >= clock) return 'has a parent after itself'
  // Both neighbours already known: they must be in one list, or the place the item lands on
  // would depend on what else that list held when it arrived.
  const left = known(store, item.origin)
  const right = known(store, item.rightOrigin)
  if (left instanceof Y.Item && right instanceof Y.Item) {
    if (left.parent !== right.parent || left.parentSub !== right.parentSub) return 'has neighbours in different lists'
  }
  return null
}

/** The struct `id` names if the document holds it (else it is in this update or pending). */
function known(store: Store, id: Y.ID | null): Y.Item | Y.GC | null {
  if (!id || id.clock >= Y.getState(store, id.client)) return null
  return Y.getItem(store, id) as Y.Item | Y.GC
}
