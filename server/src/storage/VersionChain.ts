import * as Y from 'yjs'
import { ENCODING_V2, toStoredV2, versionDelta } from './versionDelta.ts'

/**
 * A stored version: a keyframe (the whole state, `base` null) or a delta onto version `base`.
 * `root` is a lower bound of the id of the keyframe its chain starts from (null for a
 * keyframe), so one range read fetches everything a rebuild needs.
 */
export interface ChainRow {
  id: number
  base: number | null
  root: number | null
  depth: number
  encoding: number
  data: Uint8Array
}

/** What to write for a new version. */
export type ChainLink = Omit<ChainRow, 'id'>

/** Deltas per keyframe at most: a preview merges at most this many updates onto one state. */
export const MAX_CHAIN = 100
/** Documents whose newest state stays in memory, so adding a version needs no rebuild. */
const CACHED_DOCS = 16

/**
 * The delta-chain logic both version storages share: they only read and write rows. Versions
 * are stored as deltas onto the version before, with a keyframe every {@link MAX_CHAIN}
 * versions, so a history costs about one copy of the document plus a few keyframes, and any
 * version is one range read and one merge away.
 */
export class VersionChain {
  private readonly newest = new Map<string, { id: number; state: Uint8Array }>()

  /** The row to store for `state`, given the document's newest stored version (if any). */
  link(
    state: Uint8Array,
    newest: { row: Pick<ChainRow, 'id' | 'root' | 'depth'>; state: Uint8Array } | null,
  ): ChainLink {
    const keyframe: ChainLink = {
      base: null,
      root: null,
      depth: 0,
      encoding: ENCODING_V2,
      data: Y.convertUpdateFormatV1ToV2(state),
    }
    if (!newest || newest.row.depth + 1 >= MAX_CHAIN) return keyframe
    const delta = versionDelta(state, newest.state)
    if (!delta) return keyframe
    const { row } = newest
    return { base: row.id, root: row.root ?? row.id, depth: row.depth + 1, encoding: ENCODING_V2, data: delta }
  }

  /** The newest state of `doc` if it is the one with `id` (another instance may have added since). */
  cached(doc: string, id: number): Uint8Array | null {
    const hit = this.newest.get(doc)
    return hit?.id === id ? hit.state : null
  }

  remember(doc: string, id: number, state: Uint8Array): void {
    this.newest.delete(doc)
    this.newest.set(doc, { id, state })
    if (this.newest.size > CACHED_DOCS) this.newest.delete(this.newest.keys().next().value as string)
  }

  /** Drops the cached state when it is one of the removed versions (retention keeps the newest). */
  forget(doc: string, ids: readonly number[]): void {
    const hit = this.newest.get(doc)
    if (hit && ids.includes(hit.id)) this.newest.delete(doc)
  }
}

/** The V1 state of version `id`, from rows holding its chain; throws when the chain is broken. */
export function rebuildVersion(rows: readonly ChainRow[], id: number): Uint8Array {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const chain: Uint8Array[] = []
  for (let at: number | null = id; at !== null; ) {
    const row = byId.get(at)
    if (!row) throw new Error(`version ${id}: the version ${at} it builds on is missing`)
    chain.push(toStoredV2(row.data, row.encoding))
    at = row.base
  }
  return Y.convertUpdateFormatV2ToV1(chain.length === 1 ? (chain[0] as Uint8Array) : Y.mergeUpdatesV2(chain.reverse()))
}

/**
 * `child` rewritten so it no longer needs `removed`, the version it builds on: its delta is
 * merged onto the removed one's, and it becomes a keyframe when that one was. Retention can so
 * drop any version without breaking the ones after it.
 */
export function unlink(removed: ChainRow, child: ChainRow): ChainLink {
  const data = Y.mergeUpdatesV2([toStoredV2(removed.data, removed.encoding), toStoredV2(child.data, child.encoding)])
  return {
    base: removed.base,
    root: removed.base === null ? null : child.root,
    depth: Math.max(0, child.depth - 1),
    encoding: ENCODING_V2,
    data,
  }
}
