import {
  type BucketEntry,
  diffBucketEntries,
  diffMerkle,
  type MerkleRequestBody,
  type MerkleSource,
  parseRecord,
} from '@tandem/records'
import type { LocalRecords } from './LocalRecords.ts'

/** Sends one check-in request; resolves with the reply's JSON and the bytes both frames took. */
export type MerkleExchange = (body: MerkleRequestBody) => Promise<{ json: string; bytes: number }>

export interface RecordsCheckInReport {
  /** The roots matched: nothing else was exchanged. */
  readonly equal: boolean
  /** Leaf buckets that differed. */
  readonly buckets: number
  /** Record ids replaced by the server's version (those with pending outbox writes are left alone). */
  readonly repaired: string[]
  /** Bytes on the wire, both directions, whole frames: the cost to compare with a full resync. */
  readonly bytes: number
  readonly roundTrips: number
  readonly at: number
}

function object(json: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json)
  if (typeof value !== 'object' || value === null) throw new Error('check-in reply is not an object')
  const o = value as Record<string, unknown>
  if (typeof o.error === 'string') throw new Error(`check-in refused: ${o.error}`)
  return o
}

function bucketLists(value: unknown, count: number): BucketEntry[][] {
  const ok =
    Array.isArray(value) &&
    value.length === count &&
    value.every(
      (list) => Array.isArray(list) && list.every((e) => typeof e?.id === 'string' && typeof e?.digest === 'string'),
    )
  if (!ok) throw new Error('check-in reply has malformed buckets')
  return value as BucketEntry[][]
}

/**
 * A Merkle check-in (ARCHITECTURE.md section 4): compare roots; on a mismatch descend only
 * differing children, level by level, then compare the entries of the differing buckets and
 * fetch just the records whose digests differ. The server is the reference for everything it
 * acknowledged, so a differing record without pending local writes is replaced by the
 * server's copy; this is what repairs a corrupted or tampered local store. Null: local records
 * changed during the comparison, try again.
 */
export async function merkleCheckIn(
  local: LocalRecords,
  exchange: MerkleExchange,
): Promise<RecordsCheckInReport | null> {
  let bytes = 0
  let trips = 0
  const ask = async (body: MerkleRequestBody) => {
    const reply = await exchange(body)
    bytes += reply.bytes
    trips++
    return object(reply.json)
  }
  const tree = await local.records.merkleTree()
  const version = local.version
  const remote: MerkleSource = {
    depth: tree.depth,
    root: async () => String((await ask({ op: 'root' })).root),
    children: async (paths) => (await ask({ op: 'children', paths: [...paths] })).children as string[][],
  }
  const diff = await diffMerkle(tree, remote)
  if (diff.equal) return { equal: true, buckets: 0, repaired: [], bytes, roundTrips: trips, at: Date.now() }
  // Changes arrived while comparing (live pages right after a pull): the trees describe
  // different moments, so compare again rather than "repair" what is merely in flight.
  if (local.version !== version) return null
  const theirs = bucketLists((await ask({ op: 'buckets', paths: diff.buckets })).buckets, diff.buckets.length)
  // The tree is live: a change meanwhile would show as a difference that is not one.
  if (local.version !== version) return null
  const differing = new Set<string>()
  diff.buckets.forEach((path, i) => {
    for (const id of diffBucketEntries(tree.bucketEntries(path), theirs[i]!)) differing.add(id)
  })
  const ids = [...differing].filter((id) => !local.hasPending(id))
  if (ids.length > 0) {
    const reply = await ask({ op: 'records', ids })
    if (!Array.isArray(reply.records)) throw new Error('check-in reply has no records')
    const server = new Map(reply.records.map((r) => parseRecord(r)).map((r) => [r.id, r]))
    for (const id of ids) local.rebase(id, server.get(id) ?? null)
  }
  return { equal: false, buckets: diff.buckets.length, repaired: ids, bytes, roundTrips: trips, at: Date.now() }
}
