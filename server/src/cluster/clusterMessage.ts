import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** What one relay instance tells the others about a document it holds. */
export type ClusterMessage =
  | { kind: 'update'; from: string; update: Uint8Array }
  | { kind: 'awareness'; from: string; update: Uint8Array }
  | { kind: 'records'; from: string; update: Uint8Array }
  | { kind: 'deleted' | 'restored'; from: string; update: Uint8Array }
  /** An instance started serving the document: the others answer with their clients' presence. */
  | { kind: 'presence-query'; from: string; update: Uint8Array }
  /**
   * The sender's link to the others was down: what it published meanwhile is lost, though it is
   * in storage. Receivers read the document from storage again.
   */
  | { kind: 'resync'; from: string; update: Uint8Array }

// Appended only: the index is the wire value, and instances of two versions may share a channel.
const KINDS = ['update', 'awareness', 'records', 'deleted', 'restored', 'presence-query', 'resync'] as const

export function encodeClusterMessage(m: ClusterMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, KINDS.indexOf(m.kind))
  encoding.writeVarString(e, m.from)
  encoding.writeVarUint8Array(e, m.update)
  return encoding.toUint8Array(e)
}

/** Returns null for anything malformed: another instance's bug must not crash this one. */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage | null {
  try {
    const d = decoding.createDecoder(bytes)
    const kind = KINDS[decoding.readVarUint(d)]
    const from = decoding.readVarString(d)
    const update = decoding.readVarUint8Array(d)
    return kind ? { kind, from, update } : null
  } catch {
    return null
  }
}
