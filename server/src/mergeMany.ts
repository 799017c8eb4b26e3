import * as Y from 'yjs'

/** Up to this many parts, Y.mergeUpdates is fastest; beyond it, it grows faster than linearly. */
const MERGE_DIRECTLY = 32

/**
 * Merges Yjs updates into one. Y.mergeUpdates slows down sharply with thousands of small
 * updates (a log of keystrokes), so long lists are integrated into a scratch Y.Doc one by one
 * (linear) and encoded once, which also garbage-collects deleted content.
 */
export function mergeMany(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) return Y.mergeUpdates([])
  if (parts.length === 1) return parts[0]!
  if (parts.length <= MERGE_DIRECTLY) return Y.mergeUpdates(parts as Uint8Array[])
  const doc = new Y.Doc({ gc: true })
  try {
    for (const part of parts) Y.applyUpdate(doc, part)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
