import type { LocalStore, StoredUpdates, StoreKey } from '@tandem/client'

/**
 * Wraps the real IndexedDbStore so a test can hold device commits back: while the gate is
 * closed, `append` and `compact` wait (nothing reaches IndexedDB yet), so a change is "only in
 * memory" for as long as the test wants. Loads pass straight through.
 */
export class GatedStore implements LocalStore {
  private gate: Promise<void> | null = null
  private open: (() => void) | null = null
  /** Appends that reached the real store, for assertions. */
  appended = 0

  constructor(private readonly inner: LocalStore) {}

  hold(): void {
    this.gate ??= new Promise<void>((resolve) => {
      this.open = resolve
    })
  }

  release(): void {
    this.open?.()
    this.gate = this.open = null
  }

  get holding(): boolean {
    return this.gate !== null
  }

  load(doc: string): Promise<StoredUpdates> {
    return this.inner.load(doc)
  }

  async append(doc: string, updates: readonly Uint8Array[]): Promise<void> {
    while (this.gate) await this.gate
    await this.inner.append(doc, updates)
    this.appended += updates.length
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    while (this.gate) await this.gate
    return this.inner.compact(doc, snapshot, keys)
  }

  close(): void {
    this.release()
    this.inner.close()
  }
}
