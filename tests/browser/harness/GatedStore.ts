import type { LocalStore, StoredUpdates, StoreKey } from '@tandem/client'
import { Gate } from '../../helpers/Gate.ts'

/**
 * Wraps the real IndexedDbStore so a test can hold device commits back: while the gate is
 * closed, `append` and `compact` wait (nothing reaches IndexedDB yet), so a change is "only in
 * memory" for as long as the test wants. Loads pass straight through.
 */
export class GatedStore implements LocalStore {
  private readonly gate = new Gate()
  /** Appends that reached the real store, for assertions. */
  appended = 0

  constructor(private readonly inner: LocalStore) {}

  hold(): void {
    this.gate.hold()
  }

  release(): void {
    this.gate.release()
  }

  get holding(): boolean {
    return this.gate.holding
  }

  load(doc: string): Promise<StoredUpdates> {
    return this.inner.load(doc)
  }

  async append(doc: string, updates: readonly Uint8Array[]): Promise<void> {
    await this.gate.pass()
    await this.inner.append(doc, updates)
    this.appended += updates.length
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    await this.gate.pass()
    return this.inner.compact(doc, snapshot, keys)
  }

  close(): void {
    this.release()
    this.inner.close()
  }
}
