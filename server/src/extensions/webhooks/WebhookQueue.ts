import Database from 'better-sqlite3'

export interface QueuedEvent {
  seq: number
  id: string
  body: string
  attempts: number
  createdAt: number
}

export interface PendingChange {
  doc: string
  firstAt: number
  lastAt: number
  count: number
}

/**
 * The webhook events not yet delivered, in SQLite next to the relay's data: an event is
 * queued before the hook call that produced it returns, so a kill -9 loses none, and a
 * receiver that is down gets them when it is back. Bounded: past `maxQueued` the oldest go.
 * Changes waiting out their debounce are kept here too, so a crash does not lose them either.
 */
export class WebhookQueue {
  private readonly db: Database.Database
  private readonly st: Record<string, Database.Statement>

  constructor(
    file: string,
    private readonly maxQueued: number,
  ) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS webhook_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS webhook_changes (
        doc TEXT PRIMARY KEY, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, count INTEGER NOT NULL);`)
    this.st = {
      push: this.db.prepare('INSERT INTO webhook_events (id, body, next_at, created_at) VALUES (?, ?, ?, ?)'),
      count: this.db.prepare('SELECT count(*) AS n FROM webhook_events'),
      trim: this.db.prepare(
        'DELETE FROM webhook_events WHERE seq IN (SELECT seq FROM webhook_events ORDER BY seq LIMIT ?)',
      ),
      head: this.db.prepare(
        'SELECT seq, id, body, attempts, next_at AS nextAt, created_at AS createdAt FROM webhook_events ORDER BY seq LIMIT 1',
      ),
      done: this.db.prepare('DELETE FROM webhook_events WHERE seq = ?'),
      retry: this.db.prepare('UPDATE webhook_events SET attempts = attempts + 1, next_at = ? WHERE seq = ?'),
      note: this.db.prepare(`INSERT INTO webhook_changes (doc, first_at, last_at, count) VALUES (?, ?, ?, 1)
        ON CONFLICT (doc) DO UPDATE SET last_at = excluded.last_at, count = count + 1`),
      change: this.db.prepare(
        'SELECT doc, first_at AS firstAt, last_at AS lastAt, count FROM webhook_changes WHERE doc = ?',
      ),
      changes: this.db.prepare('SELECT doc FROM webhook_changes'),
      forget: this.db.prepare('DELETE FROM webhook_changes WHERE doc = ?'),
    }
  }

  /** Queues an event; returns how many old ones were dropped to stay within the bound. */
  push(id: string, body: string, now: number): number {
    return this.db.transaction(() => {
      this.st.push!.run(id, body, now, now)
      const over = (this.st.count!.get() as { n: number }).n - this.maxQueued
      if (over > 0) this.st.trim!.run(over)
      return Math.max(0, over)
    })()
  }

  /** The oldest event and when it is due; delivery keeps this order. */
  head(): (QueuedEvent & { nextAt: number }) | undefined {
    return this.st.head!.get() as (QueuedEvent & { nextAt: number }) | undefined
  }

  delivered(seq: number): void {
    this.st.done!.run(seq)
  }

  retryAt(seq: number, at: number): void {
    this.st.retry!.run(at, seq)
  }

  get size(): number {
    return (this.st.count!.get() as { n: number }).n
  }

  noteChange(doc: string, now: number): void {
    this.st.note!.run(doc, now, now)
  }

  /**
   * The debounced changes of `doc`, now turned into an event (same transaction as the push).
   * Returns how many old events were dropped, or null when nothing was waiting.
   */
  takeChange(
    doc: string,
    toEvent: (change: PendingChange) => { id: string; body: string },
    now: number,
  ): number | null {
    return this.db.transaction(() => {
      const change = this.st.change!.get(doc) as PendingChange | undefined
      if (!change) return null
      this.st.forget!.run(doc)
      const event = toEvent(change)
      return this.push(event.id, event.body, now)
    })()
  }

  /** Documents with changes still waiting out their debounce (left over by a crash, at start). */
  pendingDocs(): string[] {
    return (this.st.changes!.all() as { doc: string }[]).map((r) => r.doc)
  }

  close(): void {
    this.db.close()
  }
}
