import { type BackoffOptions, backoffDelay } from '@tandem/protocol'
import { coalesceMutations } from './coalesceMutations.ts'
import type { Mutation } from './Mutation.ts'
import { RecordsError } from './RecordsError.ts'

export interface OutboxEntry {
  readonly mutation: Mutation
  /** Ever handed to the transport: the server may have applied it, so it must keep its id and content. */
  readonly sent: boolean
  readonly inFlight: boolean
}

/**
 * The outbox as plain data, so the client can persist it in IndexedDB as is. Every function
 * returns a new state and never mutates its input. Mutations leave in order, one batch at a
 * time; transient failures back off for the whole outbox, since they are almost always a
 * network or server problem rather than a problem with one mutation.
 */
export interface OutboxState {
  readonly entries: readonly OutboxEntry[]
  /** Consecutive transient failures; 0 after any success. */
  readonly failures: number
  /** No batch may be taken before this time (ms). */
  readonly retryAt: number
}

export const EMPTY_OUTBOX: OutboxState = { entries: [], failures: 0, retryAt: 0 }

/**
 * Appends a mutation, first trying to coalesce it into the last entry for the same record
 * (see {@link coalesceMutations}); only an entry that was never sent may absorb it.
 */
export function enqueueMutation(state: OutboxState, mutation: Mutation): OutboxState {
  if (state.entries.some((entry) => entry.mutation.id === mutation.id)) {
    throw new RecordsError('invalid-argument', `mutation ${mutation.id} is already in the outbox`)
  }
  const sameRecord = (entry: OutboxEntry) =>
    entry.mutation.collection === mutation.collection && entry.mutation.recordId === mutation.recordId
  const index = state.entries.findLastIndex(sameRecord)
  const target = index >= 0 ? state.entries[index]! : undefined
  const merged = target && !target.sent ? coalesceMutations(target.mutation, mutation) : undefined
  if (merged) {
    const entries = state.entries.slice()
    entries[index] = { mutation: merged, sent: false, inFlight: false }
    return { ...state, entries }
  }
  return { ...state, entries: [...state.entries, { mutation, sent: false, inFlight: false }] }
}

/**
 * The next batch to send: up to `max` mutations from the head, marked in flight. Empty while a
 * batch is already in flight or the backoff has not elapsed.
 */
export function takeBatch(state: OutboxState, now: number, max = 100): { state: OutboxState; batch: Mutation[] } {
  if (now < state.retryAt || state.entries.some((entry) => entry.inFlight)) return { state, batch: [] }
  const count = Math.min(max, state.entries.length)
  const entries = state.entries.map((entry, i) => (i < count ? { ...entry, sent: true, inFlight: true } : entry))
  return { state: { ...state, entries }, batch: entries.slice(0, count).map((entry) => entry.mutation) }
}

/** The server applied (or had already applied) these mutations: drop them and reset the backoff. */
export function acknowledgeMutations(state: OutboxState, ids: Iterable<string>): OutboxState {
  const done = new Set(ids)
  return {
    entries: state.entries.filter((entry) => !done.has(entry.mutation.id)),
    failures: 0,
    retryAt: 0,
  }
}

/**
 * Permanent rejection (invalid, forbidden, authority conflict): drop the mutation and hand it
 * back so the client can roll its optimistic value back and tell the app. Other in-flight
 * entries of the same batch stay in flight until acknowledged or failed.
 */
export function rejectMutation(state: OutboxState, id: string): { state: OutboxState; dropped?: OutboxEntry } {
  const dropped = state.entries.find((entry) => entry.mutation.id === id)
  if (!dropped) return { state }
  return { state: { ...state, entries: state.entries.filter((entry) => entry !== dropped) }, dropped }
}

/**
 * Transient failure of the in-flight batch (network down, 5xx, timeout): everything goes back
 * to pending, still marked sent, and the next attempt waits a full-jitter backoff.
 */
export function failBatch(state: OutboxState, now: number, backoff: BackoffOptions = {}): OutboxState {
  const failures = state.failures + 1
  return {
    entries: state.entries.map((entry) => (entry.inFlight ? { ...entry, inFlight: false } : entry)),
    failures,
    retryAt: now + backoffDelay(failures, backoff),
  }
}
