import type { DocStore, StoredUpdates, StoreKey } from '@tandem/client'
import { Gate } from '../../helpers/Gate.ts'

/**
 * Wraps the real IndexedDbDocStore so a test can hold device commits back: while the gate is
 * closed, `append` and `compact` wait (nothing reaches IndexedDB yet), so a change is "only in
 * memory" for as long as the test wants. Loads pass straight through.
 */
export class GatedStore implements DocStore {
  private readonly gate = new Gate()
  /** Appends that reached the real store, for assertions. */
  appended = 0
  /** What each load returned: entries beside the snapshot, and whether there was one. */
  readonly loads: { entries: number; snapshot: boolean }[] = []
  /** Compaction steps started so far. */
  compactions = 0
  /** While true, every write fails as a full disk does in a browser (QuotaExceededError). */
  full = false

  constructor(private readonly inner: DocStore) {}

  hold(): void {
    this.gate.hold()
  }

  release(): void {
    this.gate.release()
  }

  get holding(): boolean {
    return this.gate.holding
  }

  async load(doc: string): Promise<StoredUpdates> {
    const loaded = await this.inner.load(doc)
    this.loads.push({ entries: loaded.updates.length, snapshot: Boolean(loaded.snapshot) })
    return loaded
  }

  private refuseIfFull(): void {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }

  async append(doc: string, updates: readonly Uint8Array[], unackedBy?: string): Promise<StoreKey[]> {
    await this.gate.pass()
    this.refuseIfFull()
    const keys = await this.inner.append(doc, updates, unackedBy)
    this.appended += updates.length
    return keys
  }

  async acked(doc: string, writer: string, othersUpTo: StoreKey): Promise<void> {
    await this.gate.pass()
    return this.inner.acked(doc, writer, othersUpTo)
  }

  async compact(doc: string, snapshot: Uint8Array, keys: readonly StoreKey[]): Promise<void> {
    this.compactions++
    await this.gate.pass()
    this.refuseIfFull()
    return this.inner.compact(doc, snapshot, keys)
  }

  close(): void {
    this.release()
    this.inner.close()
  }
}
