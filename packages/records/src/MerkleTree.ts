import { fnv1a64, type Hash64, hashToHex, hexToHash } from './fnv1a64.ts'
import type { LwwRecord } from './LwwRecord.ts'
import { RecordsError } from './RecordsError.ts'
import { idHash, recordHash } from './recordDigest.ts'

/** Every interior node has 16 children, so a path is a string of hex digits, one per level. */
export const MERKLE_FANOUT = 16
export const DEFAULT_MERKLE_DEPTH = 3

/** What a check-in needs from either side; `children` is batched so one level is one round trip. */
export interface MerkleSource {
  readonly depth: number
  root(): string | Promise<string>
  children(paths: readonly string[]): readonly (readonly string[])[] | Promise<readonly (readonly string[])[]>
}

export interface BucketEntry {
  readonly id: string
  readonly digest: string
}

const ZERO: Hash64 = { hi: 0, lo: 0 }
/** The hash of an empty tree or subtree. */
export const EMPTY_MERKLE_HASH = hashToHex(ZERO)

/**
 * A Merkle tree over record digests, bucketed by a hash of the record id. Leaves hold the sum
 * (mod 2^64) of their records' digests, so setting or removing one record is O(1) and a server
 * can keep the tree up to date as changes commit; interior nodes hash their 16 children and are
 * recomputed lazily. An empty subtree hashes to zero. Depth 3 gives 4096 buckets, about 25
 * records each at 100,000 records.
 */
export class MerkleTree implements MerkleSource {
  readonly depth: number
  readonly #leaves = new Map<number, Map<string, Hash64>>()
  readonly #sums: Uint32Array
  #levels: Uint32Array[] | undefined

  constructor(depth = DEFAULT_MERKLE_DEPTH) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 4) {
      throw new RecordsError('invalid-argument', 'Merkle depth must be an integer from 1 to 4')
    }
    this.depth = depth
    this.#sums = new Uint32Array(2 * MERKLE_FANOUT ** depth)
  }

  static fromRecords(records: Iterable<LwwRecord>, depth = DEFAULT_MERKLE_DEPTH): MerkleTree {
    const tree = new MerkleTree(depth)
    for (const record of records) tree.setRecord(record)
    return tree
  }

  get size(): number {
    let n = 0
    for (const leaf of this.#leaves.values()) n += leaf.size
    return n
  }

  /** The leaf path (`depth` hex digits) a record id falls into. */
  bucketOf(id: string): string {
    return this.#leafIndex(id).toString(16).padStart(this.depth, '0')
  }

  setRecord(record: LwwRecord): void {
    this.#set(record.id, recordHash(record))
  }

  /** Sets a digest computed elsewhere (e.g. stored next to the record by the server). */
  setDigest(id: string, digest: string): void {
    const hash = hexToHash(digest)
    if (!hash) throw new RecordsError('invalid-argument', `not a record digest: ${digest}`)
    this.#set(id, hash)
  }

  delete(id: string): void {
    const index = this.#leafIndex(id)
    const old = this.#leaves.get(index)?.get(id)
    if (!old) return
    this.#leaves.get(index)!.delete(id)
    this.#add(index, old, -1)
  }

  root(): string {
    return this.hashAt('')
  }

  /** The hash of the node at `path` (empty path: the root). */
  hashAt(path: string): string {
    const index = this.#parsePath(path, this.depth)
    const level = this.#computeLevels()[path.length]!
    return hashToHex({ hi: level[2 * index]!, lo: level[2 * index + 1]! })
  }

  /** The 16 child hashes of each interior node in `paths`. Paths come from the peer, so they are validated. */
  children(paths: readonly string[]): string[][] {
    return paths.map((path) => {
      const index = this.#parsePath(path, this.depth - 1)
      const level = this.#computeLevels()[path.length + 1]!
      const out: string[] = []
      for (let k = 0; k < MERKLE_FANOUT; k++) {
        const child = index * MERKLE_FANOUT + k
        out.push(hashToHex({ hi: level[2 * child]!, lo: level[2 * child + 1]! }))
      }
      return out
    })
  }

  /** The records in one leaf bucket, sorted by id, for the last step of a check-in. */
  bucketEntries(path: string): BucketEntry[] {
    if (path.length !== this.depth)
      throw new RecordsError('invalid-argument', `bucket path must have ${this.depth} digits`)
    const leaf = this.#leaves.get(this.#parsePath(path, this.depth))
    if (!leaf) return []
    return [...leaf].map(([id, hash]) => ({ id, digest: hashToHex(hash) })).sort((a, b) => (a.id < b.id ? -1 : 1))
  }

  #leafIndex(id: string): number {
    return idHash(id) >>> (32 - 4 * this.depth)
  }

  #parsePath(path: unknown, maxLength: number): number {
    if (typeof path !== 'string' || path.length > maxLength || !/^[0-9a-f]*$/.test(path)) {
      throw new RecordsError('invalid-argument', `invalid Merkle path ${JSON.stringify(path)}`)
    }
    return path.length === 0 ? 0 : Number.parseInt(path, 16)
  }

  #set(id: string, hash: Hash64): void {
    const index = this.#leafIndex(id)
    let leaf = this.#leaves.get(index)
    if (!leaf) {
      leaf = new Map()
      this.#leaves.set(index, leaf)
    }
    const old = leaf.get(id)
    if (old) this.#add(index, old, -1)
    leaf.set(id, hash)
    this.#add(index, hash, 1)
  }

  // Adds or subtracts a digest from a leaf sum in 32-bit halves with carry.
  #add(index: number, hash: Hash64, sign: 1 | -1): void {
    const lo = this.#sums[2 * index + 1]! + sign * hash.lo
    const carry = lo > 0xffffffff ? 1 : lo < 0 ? -1 : 0
    this.#sums[2 * index] = this.#sums[2 * index]! + sign * hash.hi + carry
    this.#sums[2 * index + 1] = lo
    this.#levels = undefined
  }

  #computeLevels(): Uint32Array[] {
    if (this.#levels) return this.#levels
    const levels: Uint32Array[] = new Array(this.depth + 1)
    levels[this.depth] = this.#sums
    const bytes = new Uint8Array(8 * MERKLE_FANOUT)
    const view = new DataView(bytes.buffer)
    for (let d = this.depth - 1; d >= 0; d--) {
      const below = levels[d + 1]!
      const level = new Uint32Array(2 * MERKLE_FANOUT ** d)
      for (let i = 0; i < MERKLE_FANOUT ** d; i++) {
        let empty = true
        for (let k = 0; k < MERKLE_FANOUT; k++) {
          const hi = below[2 * (i * MERKLE_FANOUT + k)]!
          const lo = below[2 * (i * MERKLE_FANOUT + k) + 1]!
          if (hi !== 0 || lo !== 0) empty = false
          view.setUint32(8 * k, hi)
          view.setUint32(8 * k + 4, lo)
        }
        const hash = empty ? ZERO : fnv1a64(bytes)
        level[2 * i] = hash.hi
        level[2 * i + 1] = hash.lo
      }
      levels[d] = level
    }
    this.#levels = levels
    return levels
  }
}
