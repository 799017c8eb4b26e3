import * as Y from 'yjs'

/** Up to this many parts, Y.mergeUpdates is fastest; beyond it, it grows faster than linearly. */
const MERGE_DIRECTLY = 32

/** Updates left out of a merge because Yjs could not integrate them; counted for operators. */
export let quarantinedUpdates = 0

/**
 * Integrates parts one by one into a scratch Y.Doc. A part that parses but contradicts the
 * others (a hostile update can) makes Yjs throw: it is left out and the rest still merge, so
 * one bad update can neither crash the relay nor make the document unreadable. A document's
 * next compaction then drops it from storage for good.
 */
export function integrate(parts: readonly Uint8Array[]): Uint8Array {
  let doc = new Y.Doc({ gc: true })
  const good: Uint8Array[] = []
  try {
    for (const part of parts) {
      try {
        Y.applyUpdate(doc, part)
        good.push(part)
      } catch {
        // The failed part may have left the scratch doc half-changed: rebuild from the good ones.
        quarantinedUpdates++
        doc.destroy()
        doc = new Y.Doc({ gc: true })
        for (const g of good) Y.applyUpdate(doc, g)
      }
    }
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/**
 * Merges Yjs updates into one. Y.mergeUpdates slows down sharply with thousands of small
 * updates (a log of keystrokes), so long lists are integrated into a scratch Y.Doc one by one
 * (linear) and encoded once, which also garbage-collects deleted content.
 */
export function mergeMany(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) return Y.mergeUpdates([])
  if (parts.length === 1) return parts[0]!
  if (parts.length <= MERGE_DIRECTLY) {
    try {
      return Y.mergeUpdates(parts as Uint8Array[])
    } catch {
      return integrate(parts)
    }
  }
  return integrate(parts)
}
