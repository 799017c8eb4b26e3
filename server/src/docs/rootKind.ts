import * as Y from 'yjs'

export type RootKind = 'map' | 'text' | 'xml' | 'array'

/** A root type as `doc.share` holds it. */
type Root = Y.Doc['share'] extends Map<string, infer T> ? T : never

/**
 * What a root type holds, read from its content: roots of a document built from an update
 * carry no type of their own (Yjs makes them plain AbstractTypes until someone asks for one).
 * A Tiptap document is an XML fragment; null when the root holds nothing live.
 */
export function rootKind(type: Root): RootKind | null {
  let item = type._start
  while (item?.deleted) item = item.right
  if (!item) return [...type._map.values()].some((i) => !i.deleted) ? 'map' : null
  if (item.content instanceof Y.ContentString || item.content instanceof Y.ContentFormat) return 'text'
  if (item.content instanceof Y.ContentType) return 'xml'
  return 'array'
}
