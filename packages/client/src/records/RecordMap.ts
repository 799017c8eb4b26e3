import { isDeleted, type LwwRecord, MerkleTree } from '@tandem/records'

/** Loaded records hashed per slice, between which the page stays responsive. */
const HASH_SLICE = 5_000

/**
 * A collection's records in memory, with the Merkle tree of its live records kept up to date
 * as they change: each record written or pulled is hashed once, as it arrives, so a check-in
 * after a sync (or a small delta) does not rehash every record. Records loaded from the device
 * are hashed later, in slices, when the first check-in asks for the tree (hashing 100,000 at
 * once blocks the page for most of a second).
 */
export class RecordMap extends Map<string, LwwRecord> {
  private tree = new MerkleTree()
  private unhashed = new Set<string>()

  override set(id: string, record: LwwRecord): this {
    super.set(id, record)
    this.unhashed.delete(id)
    if (isDeleted(record)) this.tree.delete(id)
    else this.tree.setRecord(record)
    return this
  }

  /** A record loaded from the device: in the map now, in the tree by the next check-in. */
  setLoaded(record: LwwRecord): void {
    super.set(record.id, record)
    this.unhashed.add(record.id)
  }

  override delete(id: string): boolean {
    this.unhashed.delete(id)
    this.tree.delete(id)
    return super.delete(id)
  }

  override clear(): void {
    super.clear()
    this.tree = new MerkleTree(this.tree.depth)
    this.unhashed.clear()
  }

  /** The tree over every live record, as of now; it changes with the records. */
  async merkleTree(): Promise<MerkleTree> {
    while (this.unhashed.size > 0) {
      let n = 0
      for (const id of this.unhashed) {
        this.unhashed.delete(id)
        const record = super.get(id)
        if (record && !isDeleted(record)) this.tree.setRecord(record)
        if (++n === HASH_SLICE) break
      }
      if (this.unhashed.size > 0) await new Promise((resolve) => setTimeout(resolve, 0))
    }
    return this.tree
  }
}
