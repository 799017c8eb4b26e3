import {
  diffBucketEntries,
  diffMerkle,
  EMPTY_MERKLE_HASH,
  type LwwRecord,
  MerkleTree,
  RecordsError,
  recordDigest,
} from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const stamp = (wall: number, node = 'alice') => ({ wall, counter: 0, node })
const task = (i: number, title = `task ${i}`): LwwRecord => ({
  id: `task-${i}`,
  fields: {
    title: { value: title, stamp: stamp(1_700_000_000_000 + i) },
    done: { value: i % 2 === 0, stamp: stamp(5) },
  },
})
const tasks = (n: number) => Array.from({ length: n }, (_, i) => task(i))

describe('record digests', () => {
  it('do not depend on property order', () => {
    const a: LwwRecord = {
      id: 'x',
      fields: { a: { value: { p: 1, q: [2] }, stamp: stamp(1) }, b: { value: 1, stamp: stamp(2) } },
    }
    const b: LwwRecord = {
      id: 'x',
      fields: { b: { stamp: stamp(2), value: 1 }, a: { stamp: stamp(1), value: { q: [2], p: 1 } } },
    }
    expect(recordDigest(a)).toBe(recordDigest(b))
  })

  it('change when any value, stamp, author or tombstone changes', () => {
    const base = task(1)
    const variants: LwwRecord[] = [
      task(1, 'other'),
      { ...base, fields: { ...base.fields, title: { value: 'task 1', stamp: stamp(1_700_000_000_001, 'bob') } } },
      {
        ...base,
        fields: { ...base.fields, title: { value: 'task 1', stamp: { ...stamp(1_700_000_000_001), counter: 1 } } },
      },
      { ...base, deleted: stamp(1) },
      { ...base, restored: stamp(1) },
      { ...base, id: 'task-1 ' },
    ]
    const digests = new Set([base, ...variants].map(recordDigest))
    expect(digests.size).toBe(variants.length + 1)
  })
})

describe('MerkleTree', () => {
  it('gives equal roots for equal record sets in any insertion order, and an empty tree a zero root', () => {
    expect(new MerkleTree().root()).toBe(EMPTY_MERKLE_HASH)
    fc.assert(
      fc.property(
        fc.shuffledSubarray(tasks(60), { minLength: 60 }),
        fc.shuffledSubarray(tasks(60), { minLength: 60 }),
        (x, y) => {
          expect(MerkleTree.fromRecords(x).root()).toBe(MerkleTree.fromRecords(y).root())
        },
      ),
      { numRuns: 30 },
    )
  })

  it('updates incrementally: set, overwrite and delete give the same tree as building from scratch', () => {
    const tree = MerkleTree.fromRecords(tasks(200))
    tree.setRecord(task(7, 'edited'))
    tree.setRecord(task(500))
    tree.delete('task-3')
    tree.delete('missing')
    const expected = tasks(200)
      .filter((t) => t.id !== 'task-3')
      .map((t) => (t.id === 'task-7' ? task(7, 'edited') : t))
    expect(tree.root()).toBe(MerkleTree.fromRecords([...expected, task(500)]).root())
    expect(tree.size).toBe(200)
    tree.delete('task-500')
    tree.setRecord(task(3))
    tree.setRecord(task(7))
    expect(tree.root()).toBe(MerkleTree.fromRecords(tasks(200)).root())
  })

  it('spreads sequential ids over many buckets', () => {
    const tree = MerkleTree.fromRecords(tasks(4096))
    const buckets = new Set(tasks(4096).map((t) => tree.bucketOf(t.id)))
    // A uniform hash fills about 63% of 4096 buckets with 4096 keys.
    expect(buckets.size).toBeGreaterThan(2400)
  })

  it('rejects invalid paths from a peer with RecordsError', () => {
    const tree = MerkleTree.fromRecords(tasks(10))
    for (const path of ['g', 'ABC', '0000', '000']) expect(() => tree.children([path])).toThrow(RecordsError)
    expect(() => tree.bucketEntries('00')).toThrow(RecordsError)
    expect(() => new MerkleTree(9)).toThrow(RecordsError)
  })
})

describe('diffMerkle', () => {
  it('exchanges one hash when the trees are equal', async () => {
    const diff = await diffMerkle(MerkleTree.fromRecords(tasks(1000)), MerkleTree.fromRecords(tasks(1000).reverse()))
    expect(diff).toEqual({ equal: true, buckets: [], hashesExchanged: 1, bytesExchanged: 9, roundTrips: 1 })
  })

  it('finds exactly the bucket of the one changed record and descends only into it', async () => {
    fc.assert(
      await fc.asyncProperty(fc.integer({ min: 0, max: 1999 }), fc.constantFrom(1, 2, 3, 4), async (changed, depth) => {
        const all = tasks(2000)
        const local = MerkleTree.fromRecords(all, depth)
        const remote = MerkleTree.fromRecords(
          all.map((t, i) => (i === changed ? task(i, 'diverged') : t)),
          depth,
        )
        const diff = await diffMerkle(local, remote)
        expect(diff.equal).toBe(false)
        expect(diff.buckets).toEqual([local.bucketOf(`task-${changed}`)])
        expect(diff.roundTrips).toBe(1 + depth)
        expect(diff.hashesExchanged).toBe(1 + 16 * depth)
        const entries = diffBucketEntries(local.bucketEntries(diff.buckets[0]!), remote.bucketEntries(diff.buckets[0]!))
        expect(entries).toEqual([`task-${changed}`])
      }),
      { numRuns: 40 },
    )
  })

  it('costs a tiny fraction of a full resync for one divergent record among 100,000', async () => {
    const all = Array.from({ length: 100_000 }, (_, i) => task(i))
    const local = MerkleTree.fromRecords(all)
    const remote = MerkleTree.fromRecords(all.map((t, i) => (i === 4242 ? task(i, 'diverged') : t)))
    const diff = await diffMerkle(local, remote)
    expect(diff.buckets).toEqual([local.bucketOf('task-4242')])
    // 9 B for the roots, then three levels of one expanded node: 3 * 128 B of hashes plus paths.
    expect(diff.bytesExchanged).toBe(9 + 3 * 128 + (1 + 0) + (1 + 1) + (1 + 1))
    const fullResync = new TextEncoder().encode(JSON.stringify(all)).length
    expect(diff.bytesExchanged).toBeLessThan(fullResync / 1000)
  })

  it('finds records that exist on one side only, and refuses mismatched depths or malformed answers', async () => {
    const local = MerkleTree.fromRecords(tasks(50))
    const remote = MerkleTree.fromRecords(tasks(52))
    const diff = await diffMerkle(local, remote)
    const missing = diff.buckets.flatMap((b) => diffBucketEntries(local.bucketEntries(b), remote.bucketEntries(b)))
    expect(missing.sort()).toEqual(['task-50', 'task-51'])
    await expect(diffMerkle(local, new MerkleTree(2))).rejects.toBeInstanceOf(RecordsError)
    const liar = { depth: 3, root: () => 'ffffffffffffffff', children: () => [['00']] }
    await expect(diffMerkle(local, liar)).rejects.toBeInstanceOf(RecordsError)
  })
})
