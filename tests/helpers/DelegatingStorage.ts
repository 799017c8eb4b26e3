import type { AppendEntry, DocInfo, DocStorage, StoredDoc } from '@tandem/server'

/**
 * Forwards every call to a real adapter. Test doubles (held, slowed, failing storage) extend
 * it and override only what they change, so a new DocStorage method needs one line here.
 */
export class DelegatingStorage implements DocStorage {
  constructor(protected readonly inner: DocStorage) {}

  load(doc: string): Promise<StoredDoc> {
    return this.inner.load(doc)
  }
  append(entries: readonly AppendEntry[]): Promise<void> {
    return this.inner.append(entries)
  }
  compact(doc: string, snapshot: Uint8Array, upTo: number, fence?: number): Promise<void> {
    return this.inner.compact(doc, snapshot, upTo, fence)
  }
  remove(doc: string): Promise<void> {
    return this.inner.remove(doc)
  }
  restore(doc: string): Promise<void> {
    return this.inner.restore(doc)
  }
  describe(): Promise<DocInfo[]> {
    return this.inner.describe()
  }
  list(): Promise<string[]> {
    return this.inner.list()
  }
  ping(): Promise<void> {
    return this.inner.ping()
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}
