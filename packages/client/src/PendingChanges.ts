/**
 * Counts local changes not yet safe. Each local change gets a sequence number; the device
 * store and the server each confirm a prefix (they commit in order), so two watermarks are
 * enough: a change is safe once both have passed it.
 */
export class PendingChanges {
  last = 0
  storedUpTo = 0
  ackedUpTo = 0

  /** Registers a new local change; returns its sequence number. */
  next(): number {
    return ++this.last
  }

  stored(upTo: number): void {
    this.storedUpTo = Math.max(this.storedUpTo, upTo)
  }

  acked(upTo: number): void {
    this.ackedUpTo = Math.max(this.ackedUpTo, Math.min(upTo, this.last))
  }

  /** Local changes not yet both stored on the device and acked by the server. */
  get count(): number {
    return this.last - Math.min(this.storedUpTo, this.ackedUpTo)
  }

  get unstored(): number {
    return this.last - this.storedUpTo
  }
}
