import type { ChangesRead, Decide, RecordStorage, WriteItem, WriteOutcome } from '@tandem/server'

/**
 * Wraps a RecordStorage so its next `failures` writes throw, records every attempted write's
 * mutation ids, and can hold reads open.
 */
export class FlakyRecordStorage implements RecordStorage {
  readonly attempts: string[][] = []
  /** Runs after every `changes` read and before its result is returned: a pull held open. */
  onRead: ((read: ChangesRead) => Promise<void>) | null = null

  constructor(
    private readonly inner: RecordStorage,
    public failures: number,
  ) {}

  async write(collection: string, items: readonly WriteItem[], decide: Decide): Promise<WriteOutcome[]> {
    this.attempts.push(items.map((i) => i.mutationId))
    if (this.failures > 0) {
      this.failures--
      throw new Error('disk unavailable')
    }
    return this.inner.write(collection, items, decide)
  }

  epoch = () => this.inner.epoch()
  changes = async (collection: string, since: number, limit: number) => {
    const read = await this.inner.changes(collection, since, limit)
    await this.onRead?.(read)
    return read
  }
  get = (collection: string, ids: readonly string[]) => this.inner.get(collection, ids)
  digests = (collection: string) => this.inner.digests(collection)
  purge = (before: number) => this.inner.purge(before)
  close = () => this.inner.close()
}
