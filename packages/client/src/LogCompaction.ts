import * as Y from 'yjs'
import type { DocStore, StoreKey } from './DocStore.ts'

/** A compaction step starts once this many entries are in the store beside the snapshot. */
const COMPACT_AFTER = 200
/** Entries one step deletes at most, so a step is one short transaction whatever the log. */
const STEP_ENTRIES = 2_000
/** Once writes pause this long, everything is folded, so the next open reads one snapshot. */
const IDLE_FOLD_MS = 1_000

/**
 * Folds one document's log into its snapshot in the background, in bounded steps, each one
 * store transaction: a tab closed between steps loses nothing, and the next open (or this
 * tab's next step) goes on from the entries still there. Only entries whose content is in
 * this tab's doc (loaded or written here) are folded, so another tab's entries are never
 * folded away before this tab has seen them.
 */
export class LogCompaction {
  /** Entries in the store whose content `doc` holds, oldest first: what a step may delete. */
  private known: StoreKey[] = []
  private running: Promise<void> | null = null
  private idleTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(
    private readonly store: DocStore,
    private readonly name: string,
    private readonly doc: Y.Doc,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Entries now in the store with content the doc holds; a step follows if there are many. */
  add(keys: readonly StoreKey[]): void {
    this.known.push(...keys)
    // Checked per write, not once the write queue runs dry: during a long burst it never
    // does, and a log that only grows is what made the next open wait minutes.
    this.maybeRun(COMPACT_AFTER)
  }

  /** Writes paused: fold everything once they stay paused (unless `busy` says otherwise). */
  writesPaused(busy: () => boolean): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (!busy()) this.maybeRun(0)
    }, IDLE_FOLD_MS)
  }

  /** Folds everything known now (for benchmarks and tests). */
  async all(): Promise<void> {
    while (this.running) await this.running
    this.maybeRun(0)
    while (this.running) await this.running
  }

  stop(): void {
    this.stopped = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
  }

  /** One run at a time, in steps, until at most `leave` entries are left beside the snapshot. */
  private maybeRun(leave: number): void {
    if (this.known.length <= leave || this.stopped || this.running) return
    this.running = this.steps(leave)
      .catch((err) => this.onError(err as Error))
      .finally(() => {
        this.running = null
      })
  }

  private async steps(leave: number): Promise<void> {
    while (this.known.length > leave && !this.stopped) {
      // Off the write that triggered it, so a keystroke's commit is not held behind the encode.
      await new Promise((resolve) => setTimeout(resolve, 0))
      const keys = this.known.slice(0, STEP_ENTRIES)
      await this.store.compact(this.name, Y.encodeStateAsUpdate(this.doc), keys)
      this.known.splice(0, keys.length)
    }
  }
}
