import type { FieldConflict, MutationResult } from '@tandem/records'
import type { ChangeSource } from './LocalRecords.ts'
import type { RecordsCheckInReport } from './merkleCheckIn.ts'

export interface RecordsStatus {
  /** `synced`: pulled up to the server's head and receiving live changes. */
  readonly state: 'offline' | 'syncing' | 'synced'
  /** Mutations in the outbox (not yet acknowledged by the server). */
  readonly pending: number
  readonly inFlight: number
  /** Consecutive transient push failures; the next retry backs off with it. */
  readonly failures: number
  /** This tab flushes the outbox (Web Locks leader; always true without cross-tab). */
  readonly leader: boolean
  readonly lastError: Error | null
}

export const INITIAL_STATUS: RecordsStatus = {
  state: 'offline',
  pending: 0,
  inFlight: 0,
  failures: 0,
  leader: true,
  lastError: null,
}

export const sameStatus = (a: RecordsStatus, b: RecordsStatus) =>
  (Object.keys(a) as (keyof RecordsStatus)[]).every((k) => a[k] === b[k])

/**
 * The server refused a mutation for good: it was dropped from the outbox and the record rolled
 * back to `current` (the server's copy, null if it has none) with any other pending writes on top.
 */
export type RejectedEvent = Extract<MutationResult, { status: 'rejected' }> & { recordId: string | undefined }

export interface RecordsEvents {
  change: { ids: string[]; source: ChangeSource }
  /** A concurrent write overwrote a field: both values, stamps and authors, for a conflict log. */
  conflict: FieldConflict
  rejected: RejectedEvent
  checkIn: RecordsCheckInReport
}

/**
 * Conflicts already reported, so each is reported once: a push's result repeats the ones its
 * live change carried, but is the only report when the pushed value lost and nothing changed.
 */
export class ReportedConflicts {
  private readonly keys = new Set<string>()

  fresh(conflicts: readonly FieldConflict[]): FieldConflict[] {
    return conflicts.filter((c) => {
      const key = JSON.stringify([c.recordId, c.field, c.winner.stamp, c.loser.stamp])
      if (this.keys.has(key)) return false
      this.keys.add(key)
      // Bounded: a duplicate arrives right after the original, never hundreds of conflicts later.
      if (this.keys.size > 1000) this.keys.delete(this.keys.values().next().value!)
      return true
    })
  }
}

/** A tiny typed emitter; listeners run synchronously and one throwing does not stop the rest. */
export class RecordsEmitter {
  private readonly listeners = new Map<keyof RecordsEvents, Set<(e: never) => void>>()

  on<K extends keyof RecordsEvents>(event: K, listener: (e: RecordsEvents[K]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as (e: never) => void)
    return () => set.delete(listener as (e: never) => void)
  }

  emit<K extends keyof RecordsEvents>(event: K, value: RecordsEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        ;(listener as (e: RecordsEvents[K]) => void)(value)
      } catch (err) {
        queueMicrotask(() => {
          throw err
        })
      }
    }
  }
}
