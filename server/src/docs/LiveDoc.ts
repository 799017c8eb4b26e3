import { updateDigest } from '@tandem/protocol'
import * as Y from 'yjs'
import { type DecodedUpdate, integrityProblem } from './integrityProblem.ts'

/** What integrating stored parts left out, for the metric and the log line of a repair. */
export interface Repair {
  /** Parts refused by the integrity check or that made Yjs throw. */
  dropped: number
  /** Bytes of content whose dependencies were in no part (held by Yjs, then discarded). */
  unresolvedBytes: number
}

/** A Yjs update refused because it cannot be integrated into the document. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError'
}

/**
 * A document's integrated state: a Y.Doc that every accepted update went through. Whatever is
 * read from it (full state, diffs, state vector, digest) is Yjs's own encoding of integrated
 * structs, so it integrates into any stock client. Content waiting for a dependency still in
 * flight is held by Yjs (`store.pendingStructs` / `pendingDs`) and never included in a read.
 */
export class LiveDoc {
  private readonly doc = new Y.Doc({ gc: true })
  private integrated: Uint8Array | null = null
  private full: Uint8Array | null
  private stateVector: Uint8Array | null = null
  private digestPromise: Promise<Uint8Array> | null = null
  /** When content first started waiting for a dependency (ms), or null while nothing waits. */
  heldSince: number | null = null

  private constructor(full: Uint8Array | null) {
    this.full = full
    this.doc.on('update', this.onUpdate)
  }

  private readonly onUpdate = (update: Uint8Array): void => {
    this.integrated = update
  }

  static empty(): LiveDoc {
    return new LiveDoc(null)
  }

  /**
   * Integrates what storage holds, in order, leaving out every part that cannot be integrated
   * (written before the relay checked updates) and content whose dependency never arrived.
   */
  static fromStored(snapshot: Uint8Array | null, log: readonly Uint8Array[]): { live: LiveDoc; repair: Repair } {
    let live = new LiveDoc(null)
    const good: Uint8Array[] = []
    let dropped = 0
    const parts = snapshot ? [snapshot, ...log] : log
    for (const [i, part] of parts.entries()) {
      // The snapshot was encoded from a Y.Doc by a compaction; the log is checked part by part.
      if (i > 0 || !snapshot) {
        if (live.check(part)) {
          dropped++
          continue
        }
      }
      try {
        live.integrate(part)
        good.push(part)
      } catch {
        // A throw can leave the document half-changed: start over from the parts that were fine.
        dropped++
        live = new LiveDoc(null)
        for (const g of good) live.integrate(g)
      }
    }
    const unresolvedBytes = live.heldBytes()
    live.dropHeld()
    // A snapshot alone that integrated completely is the state as it is: serve it unchanged.
    if (parts.length === 1 && snapshot && dropped === 0 && unresolvedBytes === 0) live.full = snapshot
    return { live, repair: { dropped, unresolvedBytes } }
  }

  /** Why `update` would not integrate, or null (see integrityProblem). */
  check(update: Uint8Array | DecodedUpdate): string | null {
    return integrityProblem(this.doc, update)
  }

  /**
   * Applies a checked update and returns what became integrated (with held content that it
   * resolved), or null when nothing did (all known already, or all waiting). A throw means
   * the check missed something: the document may be half-changed and must be rebuilt.
   */
  integrate(update: Uint8Array, now = Date.now()): Uint8Array | null {
    this.integrated = null
    try {
      Y.applyUpdate(this.doc, update)
    } finally {
      if (this.heldBytes() === 0) this.heldSince = null
      else this.heldSince ??= now
    }
    const integrated = this.integrated
    this.integrated = null
    if (integrated) {
      this.full = null
      this.stateVector = null
      this.digestPromise = null
    }
    return integrated
  }

  /**
   * Applies parts already integrated elsewhere (other instances' commits) in one transaction,
   * unchecked and in one transaction. Nobody needs what integrated (the parts were forwarded
   * as they came), so Yjs is not asked to encode it: without an update listener it does not.
   */
  integrateAll(parts: readonly Uint8Array[], now = Date.now()): void {
    this.doc.off('update', this.onUpdate)
    try {
      Y.transact(this.doc, () => {
        for (const part of parts) Y.applyUpdate(this.doc, part)
      })
    } finally {
      this.doc.on('update', this.onUpdate)
      if (this.heldBytes() === 0) this.heldSince = null
      else this.heldSince ??= now
      this.integrated = null
    }
    this.full = null
    this.stateVector = null
    this.digestPromise = null
  }

  /** Bytes of content held back until its dependencies arrive. */
  heldBytes(): number {
    const { pendingStructs, pendingDs } = this.doc.store
    return (pendingStructs?.update.length ?? 0) + (pendingDs?.length ?? 0)
  }

  /** Forgets held content (its writer sends it again in its next sync); returns its size. */
  dropHeld(): number {
    const bytes = this.heldBytes()
    this.doc.store.pendingStructs = null
    this.doc.store.pendingDs = null
    this.heldSince = null
    return bytes
  }

  /** The whole integrated state as one update. */
  update(): Uint8Array {
    this.full ??= this.encode()
    return this.full
  }

  getStateVector(): Uint8Array {
    this.stateVector ??= Y.encodeStateVector(this.doc)
    return this.stateVector
  }

  /** The check-in digest (see @tandem/protocol stateDigest), cached until the next change. */
  digest(): Promise<Uint8Array> {
    this.digestPromise ??= updateDigest(this.update())
    return this.digestPromise
  }

  /** What a peer with `stateVector` lacks (sync step 2). */
  diff(stateVector: Uint8Array): Uint8Array {
    // A fresh client (empty state vector, the common case of a cold open) gets the cached state.
    if (stateVector.length === 1 && stateVector[0] === 0) return this.update()
    return this.encode(stateVector)
  }

  /** Bytes of the cached encoding, for metrics. */
  byteLength(): number {
    return this.full?.length ?? 0
  }

  destroy(): void {
    this.doc.destroy()
  }

  /**
   * Y.encodeStateAsUpdate appends held content to what it encodes; with it detached for the
   * call, only integrated structs (and every integrated deletion) are written.
   */
  private encode(stateVector?: Uint8Array): Uint8Array {
    const store = this.doc.store
    const { pendingStructs, pendingDs } = store
    store.pendingStructs = null
    store.pendingDs = null
    try {
      return Y.encodeStateAsUpdate(this.doc, stateVector)
    } finally {
      store.pendingStructs = pendingStructs
      store.pendingDs = pendingDs
    }
  }
}
