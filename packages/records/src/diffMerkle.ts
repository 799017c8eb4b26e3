import { type BucketEntry, MERKLE_FANOUT, type MerkleSource } from './MerkleTree.ts'
import { RecordsError } from './RecordsError.ts'

/** Bytes of one hash on the wire (64 bits). */
export const MERKLE_HASH_BYTES = 8

export interface MerkleDiff {
  /** True when the roots matched and nothing else was exchanged. */
  readonly equal: boolean
  /** Leaf paths whose hashes differ; only these buckets' records need comparing or repair. */
  readonly buckets: string[]
  /** Hashes sent in either direction: the root, then 16 per node descended. */
  readonly hashesExchanged: number
  /** Request plus response bytes under the accounting model in the README. */
  readonly bytesExchanged: number
  readonly roundTrips: number
}

function pathBytes(path: string): number {
  return 1 + Math.ceil(path.length / 2)
}

function checkLevel(answer: unknown, count: number): readonly (readonly string[])[] {
  const ok =
    Array.isArray(answer) &&
    answer.length === count &&
    answer.every((row) => Array.isArray(row) && row.length === MERKLE_FANOUT && row.every((h) => typeof h === 'string'))
  if (!ok) throw new RecordsError('invalid-argument', 'Merkle peer answered with the wrong number of child hashes')
  return answer as readonly (readonly string[])[]
}

/**
 * Compares two Merkle trees level by level, descending only into children whose hashes
 * differ. `local` is the side running the comparison and `remote` the peer (wrap a network
 * call in a {@link MerkleSource}); every remote call is one round trip.
 *
 * Accounting: the requester sends its root (8 B) and learns match or mismatch (1 B); then per
 * level it sends the paths to expand (1 + ceil(digits / 2) B each) and receives 16 hashes per
 * path (128 B).
 */
export async function diffMerkle(local: MerkleSource, remote: MerkleSource): Promise<MerkleDiff> {
  if (local.depth !== remote.depth) {
    throw new RecordsError('invalid-argument', `Merkle depths differ (${local.depth} vs ${remote.depth})`)
  }
  let hashesExchanged = 1
  let bytesExchanged = MERKLE_HASH_BYTES + 1
  let roundTrips = 1
  if ((await local.root()) === (await remote.root())) {
    return { equal: true, buckets: [], hashesExchanged, bytesExchanged, roundTrips }
  }
  let paths = ['']
  for (let level = 0; level < local.depth && paths.length > 0; level++) {
    const [mine, theirs] = await Promise.all([local.children(paths), remote.children(paths)])
    const ours = checkLevel(mine, paths.length)
    const peer = checkLevel(theirs, paths.length)
    roundTrips++
    hashesExchanged += MERKLE_FANOUT * paths.length
    for (const path of paths) bytesExchanged += pathBytes(path) + MERKLE_FANOUT * MERKLE_HASH_BYTES
    const next: string[] = []
    paths.forEach((path, i) => {
      for (let k = 0; k < MERKLE_FANOUT; k++) {
        if (ours[i]![k] !== peer[i]![k]) next.push(path + k.toString(16))
      }
    })
    paths = next
  }
  return { equal: false, buckets: paths, hashesExchanged, bytesExchanged, roundTrips }
}

/**
 * Within one differing bucket: the ids whose digest differs or that exist on one side only.
 * These are the records to exchange and merge; everything else in the bucket already agrees.
 */
export function diffBucketEntries(local: readonly BucketEntry[], remote: readonly BucketEntry[]): string[] {
  const theirs = new Map(remote.map((entry) => [entry.id, entry.digest]))
  const differing = new Set<string>()
  for (const entry of local) {
    if (theirs.get(entry.id) !== entry.digest) differing.add(entry.id)
    theirs.delete(entry.id)
  }
  for (const id of theirs.keys()) differing.add(id)
  return [...differing].sort()
}
