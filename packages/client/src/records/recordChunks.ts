import { compareStamps, type LwwRecord, mergeRecords } from '@tandem/records'

/**
 * One stored step of a collection's records: records merged (field-level LWW) into what came
 * before, records that replace it (rollbacks, repairs), or ids removed. Records travel as one
 * JSON string per step: IndexedDB clones a string far faster than a thousand nested objects.
 */
export interface RecordChunk {
  /** Generated, in commit order. */
  key?: number
  collection: string
  kind: 'merge' | 'replace' | 'remove' | 'page'
  /**
   * JSON: LwwRecord[] for merge and replace, string[] for remove, a pulled changes page (its
   * `changes` merge) for page.
   */
  json: string
}

/** Records per chunk when a collection's chunks are folded into few. */
export const FOLDED_CHUNK_RECORDS = 2_000

/** Folds chunks, in commit order, into the records they leave. */
export function foldChunks(chunks: readonly RecordChunk[]): Map<string, LwwRecord> {
  const records = new Map<string, LwwRecord>()
  for (const chunk of chunks) {
    if (chunk.kind === 'remove') {
      for (const id of JSON.parse(chunk.json) as string[]) records.delete(id)
      continue
    }
    const list = chunk.kind === 'page' ? pageRecords(chunk.json) : (JSON.parse(chunk.json) as LwwRecord[])
    for (const record of list) {
      const current = chunk.kind !== 'replace' ? records.get(record.id) : undefined
      records.set(record.id, current ? mergeRecords(current, record).record : record)
    }
  }
  return records
}

/**
 * The records of a stored changes page, validated when it arrived, in the canonical form the
 * validation gives them (no field at or before the tombstone), so digests match the server's.
 */
export function pageRecords(json: string): LwwRecord[] {
  const records = (JSON.parse(json) as { changes: LwwRecord[] }).changes
  for (const record of records) {
    const deleted = record.deleted
    if (!deleted) continue
    for (const [name, field] of Object.entries(record.fields))
      if (compareStamps(field.stamp, deleted) <= 0) delete (record.fields as Record<string, unknown>)[name]
  }
  return records
}

/** A collection's records as few merge chunks. */
export function chunksOf(collection: string, records: Iterable<LwwRecord>): RecordChunk[] {
  const chunks: RecordChunk[] = []
  let batch: LwwRecord[] = []
  const push = () => {
    if (batch.length > 0) chunks.push({ collection, kind: 'merge', json: JSON.stringify(batch) })
    batch = []
  }
  for (const record of records) {
    batch.push(record)
    if (batch.length === FOLDED_CHUNK_RECORDS) push()
  }
  push()
  return chunks
}

/** Past this many chunks (beyond what folding would leave), a collection is folded. */
export function foldThreshold(records: number): number {
  return 64 + 2 * Math.ceil(records / FOLDED_CHUNK_RECORDS)
}
