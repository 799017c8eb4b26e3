/** One committed change of a document, in the order the relay integrated it. */
export interface DocChange {
  /** Position in this room's sequence of changes since it was loaded (1, 2, ...). */
  seq: number
  /** The integrated change as a Yjs update: exactly what peers were sent. */
  update: Uint8Array
  /** False when another relay instance committed it and this one only integrated it. */
  local: boolean
  /** The writer's token subject when this instance committed it for a peer that has one. */
  author: string | null
}

/**
 * The live document's committed changes, for what builds on the relay's document (history,
 * change hooks, webhooks) without knowing how it is stored. Listeners run synchronously
 * after each commit; one that throws is reported and does not stop the others.
 */
export class DocChanges {
  private readonly listeners = new Set<(change: DocChange) => void>()
  private seq = 0

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (change: DocChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(update: Uint8Array, local: boolean, author: string | null = null): void {
    this.seq++
    if (this.listeners.size === 0) return
    const change = { seq: this.seq, update, local, author }
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (err) {
        this.onListenerError(err)
      }
    }
  }
}
