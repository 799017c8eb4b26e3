import { updateDigest } from '@tandem/protocol'
import * as Y from 'yjs'
import { integrate, mergeMany } from './mergeMany.ts'

const EMPTY_STATE = Y.mergeUpdates([])
/** A cache whose unmerged tail grows past this is dropped: storage rebuilds it on demand. */
const MAX_TAIL = 2_000
const MAX_TAIL_BYTES = 1 << 20

/**
 * The committed state of one document as Yjs update bytes, without a Y.Doc. The relay never
 * applies updates to a document (as y-redis does not): it validates, stores and forwards
 * them, and answers sync requests from merged bytes. That keeps per-update CPU at the cost of
 * a decode, and an idle document at the size of its encoding.
 */
export class DocState {
  private merged: Uint8Array
  private tail: Uint8Array[] = []
  private tailBytes = 0
  private stateVector: Uint8Array | null = null
  private digestPromise: Promise<Uint8Array> | null = null

  constructor(parts: readonly Uint8Array[]) {
    this.merged = parts.length === 0 ? EMPTY_STATE : mergeMany(parts)
  }

  /** Adds a committed update. Merging is deferred until someone asks for the state. */
  /**
   * Adds a committed update; merging waits until someone asks for the state. Returns false
   * once the unmerged tail is too long to keep: the owner then drops this cache (merging here
   * would stall the update path) and rebuilds it from storage when next asked.
   */
  add(update: Uint8Array): boolean {
    this.tail.push(update)
    this.tailBytes += update.length
    this.stateVector = null
    this.digestPromise = null
    return this.tail.length < MAX_TAIL && this.tailBytes < MAX_TAIL_BYTES
  }

  /** The whole state as one update. */
  update(): Uint8Array {
    if (this.tail.length > 0) {
      this.merged = mergeMany([this.merged, ...this.tail])
      this.tail = []
      this.tailBytes = 0
    }
    return this.merged
  }

  getStateVector(): Uint8Array {
    this.stateVector ??= this.guarded(() => Y.encodeStateVectorFromUpdate(this.update()))
    return this.stateVector
  }

  /**
   * Runs a read of the merged bytes; if Yjs throws on them (a hostile update merged without
   * complaint but left them inconsistent), re-integrates them, leaving out what cannot be
   * integrated, and tries once more.
   */
  private guarded<T>(read: () => T): T {
    try {
      return read()
    } catch {
      this.merged = integrate([this.update()])
      return read()
    }
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
    return this.guarded(() => Y.diffUpdate(this.update(), stateVector))
  }

  /** Bytes held, for eviction decisions and metrics. */
  byteLength(): number {
    return this.merged.length + this.tailBytes
  }
}
