import { updateDigest } from '@tandem/protocol'
import * as Y from 'yjs'

const EMPTY_STATE = Y.mergeUpdates([])
const MAX_TAIL = 512

/**
 * The committed state of one document as Yjs update bytes, without a Y.Doc. The relay never
 * applies updates to a document (as y-redis does not): it validates, stores and forwards
 * them, and answers sync requests from merged bytes. That keeps per-update CPU at the cost of
 * a decode, and an idle document at the size of its encoding.
 */
export class DocState {
  private merged: Uint8Array
  private tail: Uint8Array[] = []
  private stateVector: Uint8Array | null = null
  private digestPromise: Promise<Uint8Array> | null = null

  constructor(parts: readonly Uint8Array[]) {
    this.merged =
      parts.length === 0 ? EMPTY_STATE : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts as Uint8Array[])
  }

  /** Adds a committed update. Merging is deferred until someone asks for the state. */
  add(update: Uint8Array): void {
    this.tail.push(update)
    this.stateVector = null
    this.digestPromise = null
    // Bound the tail so a document nobody reads cannot hold an unbounded list.
    if (this.tail.length >= MAX_TAIL) this.update()
  }

  /** The whole state as one update. */
  update(): Uint8Array {
    if (this.tail.length > 0) {
      this.merged = Y.mergeUpdates([this.merged, ...this.tail])
      this.tail = []
    }
    return this.merged
  }

  getStateVector(): Uint8Array {
    this.stateVector ??= Y.encodeStateVectorFromUpdate(this.update())
    return this.stateVector
  }

  /** The check-in digest (see @tandem/protocol stateDigest), cached until the next update. */
  digest(): Promise<Uint8Array> {
    this.digestPromise ??= updateDigest(this.update())
    return this.digestPromise
  }

  /** What a peer with `stateVector` lacks (sync step 2). */
  diff(stateVector: Uint8Array): Uint8Array {
    const full = this.update()
    // A fresh client (empty state vector, the common case of a cold open) gets the stored
    // bytes as they are: diffing would re-encode the whole document for nothing.
    if (stateVector.length === 1 && stateVector[0] === 0) return full
    return Y.diffUpdate(full, stateVector)
  }

  /** Bytes held, for eviction decisions and metrics. */
  byteLength(): number {
    return this.merged.length + this.tail.reduce((n, u) => n + u.length, 0)
  }
}
