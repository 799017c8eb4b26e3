import {
  type AuthorityFieldConflict,
  applyMutation,
  canonicalRecordText,
  checkAuthority,
  type FieldConflict,
  type HybridLogicalClock,
  isDeleted,
  isRecordsError,
  type LwwRecord,
  latestStamp,
  type Mutation,
  type MutationResult,
  parseMutation,
  type RejectReason,
  recordDigest,
} from '@tandem/records'
import type { Decision, RecordRow, RecordStorage } from '../storage/RecordStorage.ts'

export interface WriteContext {
  readonly storage: RecordStorage
  readonly clock: HybridLogicalClock
  /** Authority mode for this collection: stale bases are refused instead of merged. */
  readonly authority: boolean
  readonly canWrite: boolean
}

/** What a push changed, for live subscribers and the Merkle index. */
export interface Committed {
  readonly rows: RecordRow[]
  readonly records: LwwRecord[]
  readonly conflicts: FieldConflict[]
}

/** Why a mutation is refused before storage is touched, if it is. */
function refusalOf(ctx: WriteContext, collection: string, mutation: Mutation) {
  const refuse = (reason: RejectReason, message: string) => ({ reason, message })
  if (mutation.collection !== collection) return refuse('invalid', `mutation is for collection ${mutation.collection}`)
  if (!ctx.canWrite) return refuse('forbidden', 'read-only access')
  try {
    const stamp = latestStamp(mutation)
    if (stamp) ctx.clock.receive(stamp)
  } catch (err) {
    if (isRecordsError(err)) return refuse('clock-skew', err.message)
    throw err
  }
  return null
}

const parseRow = (row: RecordRow | undefined) => (row ? (JSON.parse(row.data) as LwwRecord) : undefined)

/**
 * Validates and applies one push in one storage transaction. Every mutation gets a result:
 * invalid, forbidden and skewed ones are refused before storage is touched; the rest are
 * merged (or, in authority mode, refused if a field they write changed since their base).
 * A storage failure answers `error` for the batch, which the client retries as is.
 */
export async function writeMutations(
  ctx: WriteContext,
  collection: string,
  raws: readonly unknown[],
): Promise<{ results: MutationResult[]; committed: Committed }> {
  const results: (MutationResult | undefined)[] = new Array(raws.length)
  const refused: { index: number; recordId: string; reason: RejectReason; message: string }[] = []
  const valid: { index: number; mutation: Mutation }[] = []
  for (const [index, raw] of raws.entries()) {
    let mutation: Mutation
    try {
      mutation = parseMutation(raw)
    } catch (err) {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${index}`
      results[index] = { id, status: 'rejected', reason: 'invalid', message: (err as Error).message, current: null }
      continue
    }
    results[index] = { id: mutation.id, status: 'error', message: 'not processed' }
    const refusal = refusalOf(ctx, collection, mutation)
    if (refusal) refused.push({ index, recordId: mutation.recordId, ...refusal })
    else valid.push({ index, mutation })
  }

  const committed: Committed = { rows: [], records: [], conflicts: [] }
  const authorityConflicts = new Map<number, AuthorityFieldConflict[]>()
  const afterWrite = new Map<number, { record: LwwRecord; conflicts: FieldConflict[] }>()
  const currentOf = new Map<number, LwwRecord | undefined>()
  const decide = (row: RecordRow | undefined, i: number): Decision => {
    const { mutation } = valid[i]!
    const current = parseRow(row)
    currentOf.set(i, current)
    if (ctx.authority) {
      const decision = checkAuthority(current, mutation)
      if (!decision.accepted) {
        authorityConflicts.set(i, decision.conflicts)
        return { kind: 'reject' }
      }
    }
    const merged = applyMutation(current, mutation)
    afterWrite.set(i, merged)
    if (current && canonicalRecordText(current) === canonicalRecordText(merged.record)) return { kind: 'keep' }
    const record = merged.record
    return {
      kind: 'row',
      row: { data: JSON.stringify(record), digest: recordDigest(record), deleted: isDeleted(record) },
    }
  }
  try {
    const items = valid.map(({ mutation }) => ({ mutationId: mutation.id, recordId: mutation.recordId }))
    const outcomes = valid.length > 0 ? await ctx.storage.write(collection, items, decide) : []
    outcomes.forEach((outcome, i) => {
      const { index, mutation } = valid[i]!
      const id = mutation.id
      if (outcome.status === 'duplicate') results[index] = { id, status: 'duplicate' }
      else if (outcome.status === 'rejected') {
        const current = currentOf.get(i) ?? null
        const conflicts = authorityConflicts.get(i) ?? []
        const message = `stale base for ${conflicts.map((c) => c.field).join(', ') || 'a deleted record'}`
        results[index] = { id, status: 'rejected', reason: 'conflict', message, current, conflicts }
      } else {
        const { record, conflicts } = afterWrite.get(i)!
        results[index] = { id, status: 'applied', record, ...(conflicts.length ? { conflicts } : {}) }
        committed.conflicts.push(...conflicts)
        if (outcome.status === 'written') {
          committed.rows.push(outcome.row)
          committed.records.push(record)
        }
      }
    })
  } catch (err) {
    for (const { index, mutation } of valid) results[index] = { id: mutation.id, status: 'error', message: String(err) }
  }
  if (refused.length > 0) {
    // The client rolls back to what the server holds, so refusals carry it.
    const rows = await ctx.storage.get(collection, [...new Set(refused.map((r) => r.recordId))]).catch(() => [])
    const byId = new Map(rows.map((row) => [row.id, parseRow(row)!]))
    for (const r of refused) {
      const id = results[r.index]!.id
      results[r.index] = {
        id,
        status: 'rejected',
        reason: r.reason,
        message: r.message,
        current: byId.get(r.recordId) ?? null,
      }
    }
  }
  return { results: results as MutationResult[], committed }
}
