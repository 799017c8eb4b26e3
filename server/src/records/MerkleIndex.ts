import { type LwwRecord, type MerkleRequestBody, MerkleTree } from '@tandem/records'
import type { RecordRow, RecordStorage } from '../storage/RecordStorage.ts'

/** At most this many paths or ids per request: a depth-3 level has 4096 nodes. */
const MAX_ITEMS = 4096

/**
 * The server's Merkle trees, one per collection, over the digests of live records. A tree is
 * built from storage on the first check-in and then kept current as writes commit, so a
 * check-in costs no scan. Callers serialize builds and updates with writes (RecordService's
 * queue), so a tree never misses a commit that raced its build.
 */
export class MerkleIndex {
  private readonly trees = new Map<string, MerkleTree>()

  constructor(private readonly storage: RecordStorage) {}

  private async tree(collection: string): Promise<MerkleTree> {
    let tree = this.trees.get(collection)
    if (!tree) {
      tree = new MerkleTree()
      for (const { id, digest } of await this.storage.digests(collection)) tree.setDigest(id, digest)
      this.trees.set(collection, tree)
    }
    return tree
  }

  /** Committed rows; ignored for collections nobody checked in on yet. */
  update(collection: string, rows: readonly RecordRow[]): void {
    const tree = this.trees.get(collection)
    if (!tree) return
    for (const row of rows) {
      if (row.deleted) tree.delete(row.id)
      else tree.setDigest(row.id, row.digest)
    }
  }

  /** Another instance committed to `collection`: rebuild the tree from storage when next asked. */
  forget(collection: string): void {
    this.trees.delete(collection)
  }

  /** Answers one check-in step; bad paths from the client throw RecordsError. */
  async answer(collection: string, body: MerkleRequestBody): Promise<unknown> {
    const tree = await this.tree(collection)
    if (body.op === 'root') return { root: tree.root(), depth: tree.depth }
    if (body.op === 'records') {
      const rows = await this.storage.get(collection, body.ids.slice(0, MAX_ITEMS))
      return { records: rows.map((row) => JSON.parse(row.data) as LwwRecord) }
    }
    const paths = body.paths.slice(0, MAX_ITEMS)
    if (body.op === 'children') return { children: tree.children(paths) }
    return { buckets: paths.map((path) => tree.bucketEntries(path)) }
  }
}
