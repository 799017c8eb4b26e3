/**
 * Writes with content that waits for a dependency still in flight. Each settles once the part
 * of it that integrated at once is committed and its held part has integrated too (or was
 * dropped, which rejects it), so an ack never claims what storage does not have.
 */
export class HeldWrites {
  private waiters: { resolve(): void; reject(err: Error): void }[] = []

  /**
   * Tracks one write; `holds` says whether some of it is held. Returns what to call once the
   * part that integrated is committed.
   */
  track(holds: boolean, resolve: () => void, reject: (err: unknown) => void): () => void {
    let held: 'waiting' | 'done' | Error = holds ? 'waiting' : 'done'
    let committed = false
    const settle = () => {
      if (!committed || held === 'waiting') return
      if (held instanceof Error) reject(held)
      else resolve()
    }
    if (holds) {
      this.waiters.push({
        resolve: () => {
          held = 'done'
          settle()
        },
        reject: (err) => {
          held = err
          settle()
        },
      })
    }
    return () => {
      committed = true
      settle()
    }
  }

  /** Nothing is held any more: takes every waiter, to be resolved once that state is committed. */
  takeAll(): () => void {
    const taken = this.waiters.splice(0)
    return () => {
      for (const w of taken) w.resolve()
    }
  }

  /** The held content was dropped: every waiting write fails. */
  rejectAll(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err)
  }
}
