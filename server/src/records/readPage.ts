import { decodeSyncToken, encodeSyncToken } from '@tandem/records'
import type { RecordStorage } from '../storage/RecordStorage.ts'

/** A page as wire JSON (a ChangesPage), plus the sequence number it ends at, which a live channel continues from. */
export interface PageRead {
  readonly json: string
  readonly token: string
  readonly more: boolean
  readonly seq: number
}

/**
 * One page of "changes since token". The token is trusted only as far as it checks out: a
 * token that does not decode, names another epoch or another collection, points past the head (a restored
 * database) or lies behind the purge horizon (a tombstone it never saw is gone) restarts the
 * client from a snapshot flagged `reset`. No token at all is a first sync: also from zero,
 * but nothing local needs replacing.
 */
export async function readPage(
  storage: RecordStorage,
  epoch: string,
  collection: string,
  token: string,
  limit: number,
): Promise<PageRead> {
  let since = 0
  let reset = false
  if (token !== '') {
    try {
      const position = decodeSyncToken(token)
      if (position.epoch === epoch && position.collection === collection) since = position.seq
      else reset = true
    } catch {
      reset = true
    }
  }
  let read = await storage.changes(collection, since, limit)
  if (!reset && (since < read.purged || since > read.head)) {
    reset = true
    since = 0
    read = await storage.changes(collection, 0, limit)
  }
  const last = read.rows.at(-1)?.seq ?? since
  // A complete read is current up to the head, even if the newest rows were rewritten later.
  const seq = read.more ? last : Math.max(last, read.head)
  const next = encodeSyncToken({ epoch, collection, seq })
  // Rows are stored as record JSON already: splice them in rather than parse and re-serialize.
  const json = `{"changes":[${read.rows.map((row) => row.data).join(',')}],"token":${JSON.stringify(next)},"reset":${reset},"more":${read.more}}`
  return { json, token: next, more: read.more, seq }
}
