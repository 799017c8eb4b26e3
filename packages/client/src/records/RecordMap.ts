import { isDeleted, type LwwRecord, MerkleTree } from '@tandem/records'

/** Records hashed per slice, between which the page stays responsive. */
const HASH_SLICE = 5_000

/**
 * A collection's records in memory, with the Merkle tree of its live records. The tree is
 * kept, not rebuilt per check-in: a record that changes is marked, and only marked records
 * are (re)hashed, in slices, when a check-in asks for the tree. So a check-in after a small
 * delta hashes the delta, and neither a pull nor an open waits for hashing 100,000 records
 * (which blocks a page for most of a second).
 */
export class RecordMap extends Map<string, LwwRecord> {
  private readonly tree = new MerkleTree()
  private readonly changed = new Set<string>()

  override set(id: string, record: LwwRecord): this {
    super.set(id, record)
    this.changed.add(id)
    return this
  }

  override delete(id: string): boolean {
    this.changed.add(id)
    return super.delete(id)
  }

  override clear(): void {
    for (const id of this.keys()) this.changed.add(id)
    super.clear()
  }

  /** The tree over every live record, as of now. */
  async merkleTree(): Promise<MerkleTree> {
    while (this.changed.size > 0) {
      let n = 0
      for (const id of this.changed) {
        this.changed.delete(id)
        const record = super.get(id)
        if (record && !isDeleted(record)) this.tree.setRecord(record)
        else this.tree.delete(id)
        if (++n === HASH_SLICE) break
      }
      if (this.changed.size > 0) await new Promise((resolve) => setTimeout(resolve, 0))
    }
    return this.tree
  }
}
