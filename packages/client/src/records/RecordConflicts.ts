import { type LwwRecord, type Mutation, type MutationResult, type RejectReason, recordValues } from '@tandem/records'
import { Observable } from '../Observable.ts'
import type { RecordValues } from './localMutations.ts'

/**
 * A write the server refused because the record moved on since it was made (authority mode):
 * the record shows the server's version (`theirs`); what this device wrote (`mine`) is kept
 * here until the user decides (`collection.resolve`).
 */
export interface RecordConflict {
  recordId: string
  /** The refused mutation. */
  mutationId: string
  reason: RejectReason
  message: string
  /** The fields this device wrote; null when it deleted the record. */
  mine: RecordValues | null
  /** The server's record now; null when it has none. */
  theirs: RecordValues | null
  /** Those fields as they were where the write was made (this tab's writes only), else null. */
  base: RecordValues | null
  /** When the refusal arrived (ms since the epoch). */
  at: number
}

/** What `mine` is of a mutation: the values it set, or null for a delete. */
export function mineOf(mutation: Mutation): RecordValues | null {
  if (mutation.op !== 'set') return null
  return Object.fromEntries(Object.entries(mutation.fields).map(([k, v]) => [k, v.value])) as RecordValues
}

/**
 * The open conflicts of a collection, newest last, one per record (a later refusal of the same
 * record replaces the earlier one: it carries the newer `theirs`). Also remembers, for this
 * tab's recent writes, the values they replaced, which is the conflict's `base`.
 */
export class RecordConflicts {
  readonly list = new Observable<readonly RecordConflict[]>([])
  private readonly bases = new Map<string, RecordValues>()

  /** Remembers the values a write of this tab replaced (bounded: only recent writes matter). */
  noteBase(mutation: Mutation, current: LwwRecord | undefined): void {
    if (mutation.op !== 'set') return
    const before = current ? recordValues(current) : undefined
    const base = Object.fromEntries(Object.keys(mutation.fields).map((k) => [k, before?.[k] ?? null]))
    this.bases.set(mutation.id, base as RecordValues)
    if (this.bases.size > 1_000) this.bases.delete(this.bases.keys().next().value as string)
  }

  /** Keeps a refusal as a conflict when it is one (a stale write of a known mutation); returns it. */
  refused(
    result: Extract<MutationResult, { status: 'rejected' }>,
    recordId: string | undefined,
    mutation: Mutation | undefined,
  ): RecordConflict | null {
    if (result.reason !== 'conflict' || !mutation || !recordId) return null
    const conflict: RecordConflict = {
      recordId,
      mutationId: result.id,
      reason: result.reason,
      message: result.message,
      mine: mineOf(mutation),
      theirs: result.current ? ((recordValues(result.current) as RecordValues | undefined) ?? null) : null,
      base: this.bases.get(result.id) ?? null,
      at: Date.now(),
    }
    this.bases.delete(result.id)
    this.add(conflict)
    return conflict
  }

  add(conflict: RecordConflict): void {
    this.list.set([...this.list.value.filter((c) => c.recordId !== conflict.recordId), conflict])
  }

  get(recordId: string): RecordConflict | undefined {
    return this.list.value.find((c) => c.recordId === recordId)
  }

  remove(recordId: string): boolean {
    const next = this.list.value.filter((c) => c.recordId !== recordId)
    if (next.length === this.list.value.length) return false
    this.list.set(next)
    return true
  }
}
