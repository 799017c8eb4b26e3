import * as encoding from 'lib0/encoding'

/**
 * Yjs v1 updates written by hand, for what no Yjs client produces: items whose references
 * point at structs that do not exist, duplicate ids with other content, absurd counts.
 * Each parses as a Yjs update (so a relay that only parses accepts it).
 */

export interface CraftedItem {
  client: number
  clock: number
  /** Left neighbour at creation; with neither origin, the item goes into root type `parent`. */
  origin?: { client: number; clock: number }
  rightOrigin?: { client: number; clock: number }
  parent?: string
  text: string
}

/** One update holding `items` (grouped by client, each client's items in clock order). */
export function craftUpdate(
  items: readonly CraftedItem[],
  deletes: readonly [number, number, number][] = [],
): Uint8Array {
  const e = encoding.createEncoder()
  const byClient = new Map<number, CraftedItem[]>()
  for (const item of items) byClient.set(item.client, [...(byClient.get(item.client) ?? []), item])
  encoding.writeVarUint(e, byClient.size)
  for (const [client, list] of byClient) {
    encoding.writeVarUint(e, list.length)
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, list[0]!.clock)
    for (const item of list) writeItem(e, item)
  }
  encoding.writeVarUint(e, deletes.length)
  for (const [client, clock, len] of deletes) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, clock)
    encoding.writeVarUint(e, len)
  }
  return encoding.toUint8Array(e)
}

function writeItem(e: encoding.Encoder, item: CraftedItem): void {
  const CONTENT_STRING = 4
  encoding.writeUint8(e, CONTENT_STRING | (item.origin ? 0x80 : 0) | (item.rightOrigin ? 0x40 : 0))
  if (item.origin) writeId(e, item.origin)
  if (item.rightOrigin) writeId(e, item.rightOrigin)
  if (!item.origin && !item.rightOrigin) {
    encoding.writeVarUint(e, 1)
    encoding.writeVarString(e, item.parent ?? 'text')
  }
  encoding.writeVarString(e, item.text)
}

function writeId(e: encoding.Encoder, id: { client: number; clock: number }): void {
  encoding.writeVarUint(e, id.client)
  encoding.writeVarUint(e, id.clock)
}

/**
 * Updates that parse but make Yjs throw while integrating them (findIndexSS "Unexpected
 * case"), given a client id that has written `known` characters of type `text`.
 */
export function throwingUpdates(client: number, known: number): Uint8Array[] {
  const next = known
  return [
    // origin on its own client, after itself
    craftUpdate([{ client, clock: next, origin: { client, clock: next + 5 }, text: 'x' }]),
    // right origin on its own client that does not exist yet
    craftUpdate([{ client, clock: next, rightOrigin: { client, clock: next + 3 }, text: 'y' }]),
    // a brand-new client whose first item points right of itself
    craftUpdate([{ client: client + 1, clock: 0, rightOrigin: { client: client + 1, clock: 7 }, text: 'z' }]),
  ]
}

/** Items whose origin names a client that never wrote anything: Yjs holds them (pending) forever. */
export function danglingOrigin(client: number, missingClient: number, length = 1): Uint8Array {
  return craftUpdate([{ client, clock: 0, origin: { client: missingClient, clock: 1_000 }, text: 'd'.repeat(length) }])
}

/** Ids `client:0..` again, with other content than the first write gave them. */
export function duplicateIds(client: number, count: number): Uint8Array {
  const items: CraftedItem[] = [{ client, clock: 0, parent: 'text', text: 'DUP' }]
  for (let i = 1; i < count; i++)
    items.push({ client, clock: i * 3, origin: { client, clock: i * 3 - 1 }, text: 'DUP' })
  return craftUpdate(items)
}

/** An update that claims `count` structs for a client but carries one. */
export function absurdStructCount(count: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint(e, count)
  encoding.writeVarUint(e, 99)
  encoding.writeVarUint(e, 0)
  writeItem(e, { client: 99, clock: 0, parent: 'text', text: 'n' })
  encoding.writeVarUint(e, 0)
  return encoding.toUint8Array(e)
}
