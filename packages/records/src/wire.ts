import type { AuthorityFieldConflict } from './checkAuthority.ts'
import { parseStamp } from './HlcStamp.ts'
import { parseJsonValue } from './JsonValue.ts'
import type { LwwRecord } from './LwwRecord.ts'
import type { FieldConflict } from './mergeRecords.ts'
import { expectObject, underCode } from './parseFields.ts'
import { parseRecord } from './parseRecord.ts'
import { RecordsError } from './RecordsError.ts'

/**
 * JSON bodies of the records messages, shared by the relay (socket and REST) and the client.
 * Each side validates what it receives with these parsers, so a hostile or buggy peer gets a
 * RecordsError (`invalid-record` for pages, `invalid-argument` for the rest), never a crash.
 */

/** One page of a pull, or one live change (then `more` is false and `live` is true). */
export interface ChangesPage {
  readonly changes: LwwRecord[]
  /** Opaque; pass it back as `since` / in RecordsSubscribe to continue after this page. */
  readonly token: string
  /** The client's token was unusable (other epoch, older than the purge horizon): replace local state. */
  readonly reset: boolean
  readonly more: boolean
  readonly live?: boolean
  /** Concurrent overwrites the server saw while applying these changes (live changes only). */
  readonly conflicts?: FieldConflict[]
}

export type RejectReason = 'conflict' | 'forbidden' | 'invalid' | 'clock-skew'

/** What happened to one mutation. `error` is transient: retry the same mutation later. */
export type MutationResult =
  | {
      readonly id: string
      readonly status: 'applied'
      readonly record?: LwwRecord
      readonly conflicts?: FieldConflict[]
    }
  | { readonly id: string; readonly status: 'duplicate' }
  | {
      readonly id: string
      readonly status: 'rejected'
      readonly reason: RejectReason
      readonly message: string
      /** The server's record now (null: it has none), so the client can roll back to it. */
      readonly current: LwwRecord | null
      readonly conflicts?: AuthorityFieldConflict[]
    }
  | { readonly id: string; readonly status: 'error'; readonly message: string }

export type MerkleRequestBody =
  | { readonly op: 'root' }
  | { readonly op: 'children'; readonly paths: string[] }
  | { readonly op: 'buckets'; readonly paths: string[] }
  | { readonly op: 'records'; readonly ids: string[] }

const REASONS: readonly RejectReason[] = ['conflict', 'forbidden', 'invalid', 'clock-skew']
const MAX_LIST = 10_000

function json(text: string, code: 'invalid-record' | 'invalid-argument'): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new RecordsError(code, 'body is not valid JSON')
  }
  return expectObject(value, 'body', code)
}

function list(value: unknown, where: string, code: 'invalid-record' | 'invalid-argument'): unknown[] {
  if (!Array.isArray(value) || value.length > MAX_LIST) {
    throw new RecordsError(code, `${where} must be an array of at most ${MAX_LIST} items`)
  }
  return value
}

function strings(value: unknown, where: string): string[] {
  const items = list(value, where, 'invalid-argument')
  if (!items.every((s) => typeof s === 'string' && s.length <= 256)) {
    throw new RecordsError('invalid-argument', `${where} must hold strings`)
  }
  return items as string[]
}

function side(input: unknown) {
  const s = expectObject(input, 'conflict side', 'invalid-argument')
  const stamp = parseStamp(s.stamp)
  return { value: parseJsonValue(s.value, 'conflict value', 'invalid-argument'), stamp, author: stamp.node }
}

function fieldConflicts(value: unknown): FieldConflict[] {
  return list(value, 'conflicts', 'invalid-argument').map((raw) => {
    const c = expectObject(raw, 'conflict', 'invalid-argument')
    if (typeof c.recordId !== 'string' || typeof c.field !== 'string') {
      throw new RecordsError('invalid-argument', 'conflict needs recordId and field')
    }
    return { recordId: c.recordId, field: c.field, winner: side(c.winner), loser: side(c.loser) }
  })
}

/** Parses a RecordsChanges body or a REST pull response. */
export function parseChangesPage(text: string): ChangesPage {
  return underCode('invalid-record', () => {
    const o = json(text, 'invalid-record')
    if (typeof o.token !== 'string' || typeof o.reset !== 'boolean' || typeof o.more !== 'boolean') {
      throw new RecordsError('invalid-record', 'a changes page needs token, reset and more')
    }
    const changes = list(o.changes, 'changes', 'invalid-record').map((r) => parseRecord(r))
    const conflicts = o.conflicts === undefined ? undefined : fieldConflicts(o.conflicts)
    return {
      changes,
      token: o.token,
      reset: o.reset,
      more: o.more,
      live: o.live === true,
      ...(conflicts ? { conflicts } : {}),
    }
  })
}

/** Parses a RecordsResult body or a REST push response. */
export function parseMutationResults(text: string): MutationResult[] {
  return underCode('invalid-argument', () =>
    list(json(text, 'invalid-argument').results, 'results', 'invalid-argument').map((raw) => {
      const r = expectObject(raw, 'result', 'invalid-argument')
      if (typeof r.id !== 'string') throw new RecordsError('invalid-argument', 'result needs an id')
      const message = typeof r.message === 'string' ? r.message : ''
      if (r.status === 'duplicate') return { id: r.id, status: 'duplicate' }
      if (r.status === 'error') return { id: r.id, status: 'error', message }
      if (r.status === 'applied') {
        const record = r.record === undefined ? undefined : parseRecord(r.record)
        const conflicts = r.conflicts === undefined ? undefined : fieldConflicts(r.conflicts)
        return { id: r.id, status: 'applied', ...(record ? { record } : {}), ...(conflicts ? { conflicts } : {}) }
      }
      if (r.status !== 'rejected' || !REASONS.includes(r.reason as RejectReason)) {
        throw new RecordsError('invalid-argument', 'unknown result status or reason')
      }
      const current = r.current == null ? null : parseRecord(r.current)
      // Authority conflicts are shown to the user, not merged, so they are passed on as data.
      const conflicts =
        r.conflicts === undefined
          ? undefined
          : (list(r.conflicts, 'conflicts', 'invalid-argument') as AuthorityFieldConflict[])
      return {
        id: r.id,
        status: 'rejected',
        reason: r.reason as RejectReason,
        message,
        current,
        ...(conflicts ? { conflicts } : {}),
      }
    }),
  )
}

/** Parses a MerkleRequest body (server side). */
export function parseMerkleRequest(text: string): MerkleRequestBody {
  return underCode('invalid-argument', () => {
    const o = json(text, 'invalid-argument')
    if (o.op === 'root') return { op: 'root' }
    if (o.op === 'children' || o.op === 'buckets') return { op: o.op, paths: strings(o.paths, 'paths') }
    if (o.op === 'records') return { op: 'records', ids: strings(o.ids, 'ids') }
    throw new RecordsError('invalid-argument', 'unknown Merkle op')
  })
}

/** Parses the list of mutations of a push; each is validated later, one by one, with parseMutation. */
export function parsePushBody(text: string): unknown[] {
  return underCode('invalid-argument', () =>
    list(json(text, 'invalid-argument').mutations, 'mutations', 'invalid-argument'),
  )
}
