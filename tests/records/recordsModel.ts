import { MemoryRecordStore, type RecordStoreBatch } from '@tandem/client'
import { compareStamps, type HlcStamp, type JsonValue, type Mutation } from '@tandem/records'

/**
 * A deliberately naive reference for the records store, written without the package's merge
 * code: per field the write with the greatest stamp, per record the greatest delete and
 * restore stamps, and a record is visible when it was never deleted or restored after the
 * last delete. Fields written at or before the delete are gone.
 */
export class RecordsModel {
  private readonly mutations = new Map<string, Mutation>()

  /** Every version of every mutation a client queued (coalesced versions only add fields). */
  add(mutation: Mutation): void {
    this.mutations.set(`${mutation.id}:${JSON.stringify(mutation)}`, mutation)
  }

  get size(): number {
    return this.mutations.size
  }

  values(): Map<string, Record<string, JsonValue>> {
    const fields = new Map<string, Map<string, { value: JsonValue; stamp: HlcStamp }>>()
    const deleted = new Map<string, HlcStamp>()
    const restored = new Map<string, HlcStamp>()
    const greater = (a: HlcStamp | undefined, b: HlcStamp) => !a || compareStamps(b, a) > 0
    for (const m of this.mutations.values()) {
      if (!fields.has(m.recordId)) fields.set(m.recordId, new Map())
      if (m.op === 'delete') {
        if (greater(deleted.get(m.recordId), m.stamp)) deleted.set(m.recordId, m.stamp)
        continue
      }
      if (m.restore && greater(restored.get(m.recordId), m.restore)) restored.set(m.recordId, m.restore)
      const own = fields.get(m.recordId)!
      for (const [name, f] of Object.entries(m.fields)) {
        if (greater(own.get(name)?.stamp, f.stamp)) own.set(name, f)
      }
    }
    const out = new Map<string, Record<string, JsonValue>>()
    for (const [id, own] of fields) {
      const del = deleted.get(id)
      const res = restored.get(id)
      if (del && !(res && compareStamps(res, del) > 0)) continue
      const values: Record<string, JsonValue> = {}
      for (const [name, f] of own) if (!del || compareStamps(f.stamp, del) > 0) values[name] = f.value
      out.set(id, values)
    }
    return out
  }
}

/** A memory store that reports every outbox mutation a client stores, for the model. */
export class ObservedStore extends MemoryRecordStore {
  constructor(private readonly seen: (m: Mutation) => void) {
    super()
  }

  override async apply(collection: string, batch: RecordStoreBatch): Promise<void> {
    for (const stored of batch.outboxPut ?? []) this.seen(stored.entry.mutation)
    return super.apply(collection, batch)
  }
}
