import { isDeleted, type LwwRecord, MerkleTree } from '@tandem/records'

/**
 * A collection's records in memory, with the Merkle tree of its live records kept up to date
 * as they change once a check-in first asked for it. Building the tree hashes every record
 * (half a second at 100,000): done once, a check-in after a small delta costs only the delta.
 */
export class RecordMap extends Map<string, LwwRecord> {
  private tree: MerkleTree | null = null

  override set(id: string, record: LwwRecord): this {
    super.set(id, record)
    if (this.tree) {
      if (isDeleted(record)) this.tree.delete(id)
      else this.tree.setRecord(record)
    }
    return this
  }

  override delete(id: string): boolean {
    this.tree?.delete(id)
    return super.delete(id)
  }

  override clear(): void {
    super.clear()
    if (this.tree) this.tree = new MerkleTree(this.tree.depth)
  }

  /** The tree over every live record, as of now; it changes with the records. */
  merkleTree(): MerkleTree {
    if (!this.tree) {
      const tree = new MerkleTree()
      for (const record of this.values()) if (!isDeleted(record)) tree.setRecord(record)
      this.tree = tree
    }
    return this.tree
  }
}
