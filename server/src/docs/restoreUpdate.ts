import * as Y from 'yjs'
import { type RootKind, rootKind } from './rootKind.ts'

type Kind = RootKind

function kindOf(doc: Y.Doc, name: string): Kind | null {
  const type = doc.share.get(name)
  return type ? rootKind(type) : null
}

const copy = (v: unknown) => (v instanceof Y.AbstractType ? v.clone() : v)

/** Makes `into`'s root `name` hold what `from`'s holds; untouched when they already agree. */
function replaceRoot(into: Y.Doc, from: Y.Doc, name: string, kind: Kind): void {
  if (kind === 'text') {
    const t = into.getText(name)
    const delta = from.getText(name).toDelta() as { insert: unknown; attributes?: object }[]
    if (JSON.stringify(t.toDelta()) === JSON.stringify(delta)) return
    t.delete(0, t.length)
    t.applyDelta(delta.map((op) => ({ ...op, insert: copy(op.insert) })))
  } else if (kind === 'map') {
    const m = into.getMap(name)
    const src = from.getMap(name)
    if (JSON.stringify(m.toJSON()) === JSON.stringify(src.toJSON())) return
    for (const key of [...m.keys()]) if (!src.has(key)) m.delete(key)
    for (const [key, value] of src.entries()) m.set(key, copy(value))
  } else if (kind === 'xml') {
    const f = into.getXmlFragment(name)
    const src = from.getXmlFragment(name)
    if (f.toString() === src.toString()) return
    f.delete(0, f.length)
    f.insert(0, src.toArray().map((n) => n.clone()) as (Y.XmlElement | Y.XmlText)[])
  } else {
    const a = into.getArray(name)
    const src = from.getArray(name)
    if (JSON.stringify(a.toJSON()) === JSON.stringify(src.toJSON())) return
    a.delete(0, a.length)
    a.insert(0, src.toArray().map(copy))
  }
}

/**
 * The forward change that makes a document whose state is `current` show what `target`
 * shows: each root type whose content differs is emptied and refilled with a copy of the
 * target's. It deletes and inserts like any edit, so changes made concurrently (offline, or
 * during the restore) still merge on top of it. Empty when nothing differs.
 */
export function restoreUpdate(current: Uint8Array, target: Uint8Array): Uint8Array {
  const into = new Y.Doc()
  const from = new Y.Doc()
  Y.applyUpdate(into, current)
  Y.applyUpdate(from, target)
  const before = Y.encodeStateVector(into)
  into.transact(() => {
    for (const name of new Set([...into.share.keys(), ...from.share.keys()])) {
      const kind = kindOf(from, name) ?? kindOf(into, name)
      if (kind) replaceRoot(into, from, name, kind)
    }
  })
  const update = Y.encodeStateAsUpdate(into, before)
  into.destroy()
  from.destroy()
  return update
}
