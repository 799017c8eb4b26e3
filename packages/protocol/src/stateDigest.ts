import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/**
 * The check-in digest of a document: SHA-256 over its state vector and its delete set, both
 * in a canonical order. Two replicas with the same digest hold the same structs and the same
 * deletions; client and server compute it with this one function, so they cannot disagree on
 * the encoding. Uses Web Crypto, present in browsers and in Node.
 */
export async function stateDigest(doc: Y.Doc): Promise<Uint8Array> {
  const encoder = encoding.createEncoder()
  const sv = [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort((a, b) => a[0] - b[0])
  encoding.writeVarUint(encoder, sv.length)
  for (const [client, clock] of sv) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock)
  }
  const ds = [...Y.createDeleteSetFromStructStore(doc.store).clients].sort((a, b) => a[0] - b[0])
  encoding.writeVarUint(encoder, ds.length)
  for (const [client, ranges] of ds) {
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, ranges.length)
    for (const r of ranges) {
      encoding.writeVarUint(encoder, r.clock)
      encoding.writeVarUint(encoder, r.len)
    }
  }
  const bytes = encoding.toUint8Array(encoder)
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes))
}

/** Digest of the document an update (or a merged state) describes. */
export async function updateDigest(update: Uint8Array): Promise<Uint8Array> {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, update)
    return await stateDigest(doc)
  } finally {
    doc.destroy()
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
