import type { LwwRecord, MutationResult } from '@tandem/records'
import { Observable } from '../Observable.ts'
import type { RecordConflict } from './RecordConflicts.ts'

/** What tabs of one browser tell each other about a collection. */
export type TabMessage =
  /** Records changed in the sender's memory (and store): `replace` for rollbacks, resets and repairs. */
  | { t: 'records'; records: LwwRecord[]; removed: string[]; replace: boolean }
  /** A non-leader stored outbox entries; the leader picks them up from the store. */
  | { t: 'outbox' }
  /** The leader settled these mutations (acked or rejected); others drop them from their view of the outbox. */
  | { t: 'settled'; ids: string[] }
  | { t: 'rejected'; result: Extract<MutationResult, { status: 'rejected' }>; recordId: string | undefined }
  /** The leader kept a refused write for the user to decide; every tab shows it. */
  | { t: 'conflict'; conflict: RecordConflict }
  /** The user decided a conflict in one tab: the others drop it. */
  | { t: 'resolved'; recordId: string }

interface LockManagerLike {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>
}

/**
 * Leader election and messaging between tabs for one collection. The leader holds a Web Lock
 * for as long as it lives (the browser hands the lock to the next tab when it closes), and is
 * the only tab that flushes the outbox, so a mutation is never sent twice concurrently. Where
 * Web Locks are missing (Node, old browsers) every instance is its own leader.
 */
export class RecordsTabs {
  readonly leader: Observable<boolean>
  private readonly channel: BroadcastChannel | null
  private readonly abort = new AbortController()
  private release: (() => void) | null = null

  constructor(name: string | null, onMessage: (m: TabMessage) => void) {
    const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks
    const crossTab = name !== null && typeof BroadcastChannel !== 'undefined'
    this.leader = new Observable<boolean>(!(crossTab && locks))
    this.channel = crossTab ? new BroadcastChannel(name) : null
    if (this.channel) this.channel.onmessage = (event: MessageEvent<TabMessage>) => onMessage(event.data)
    if (crossTab && locks) {
      locks
        .request(`${name}:leader`, { signal: this.abort.signal }, () => {
          this.leader.set(true)
          return new Promise<void>((resolve) => {
            this.release = resolve
          })
        })
        .catch(() => {})
    }
  }

  post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message)
    } catch {
      // A closing tab has nobody left to tell.
    }
  }

  /** Tells the other tabs the current state of these records (absent ones as removed). */
  postRecords(ids: readonly string[], records: ReadonlyMap<string, LwwRecord>, replace: boolean): void {
    if (!this.channel) return
    const present = ids.map((id) => records.get(id)).filter((r): r is LwwRecord => r !== undefined)
    this.post({ t: 'records', records: present, removed: ids.filter((id) => !records.has(id)), replace })
  }

  destroy(): void {
    this.abort.abort()
    this.release?.()
    this.channel?.close()
  }
}
