import { type AwarenessEntry, CloseCode, ProtocolError } from '@tandem/protocol'

interface Presence {
  clock: number
  /** JSON text; absent once the client left (kept as a tombstone so late echoes stay dead). */
  state: string | null
  owner: object | null
}

/** Tombstones kept per room; the oldest go first. Bounds memory under client-id churn. */
const MAX_TOMBSTONES = 1024

/**
 * Presence of one room, kept as the JSON text clients sent. The relay needs it for three
 * things: to give a joining client everyone's current state, to announce the removal of a
 * connection's clients when it closes (stock clients would otherwise show a ghost caret for
 * 30 s), and to stop one connection from rewriting another's presence.
 *
 * Stock clients re-send every awareness change they receive, so a connection routinely sends
 * entries for clients it does not own; those are echoes and are dropped, as are entries whose
 * clock is not newer, by the same rule as y-protocols.
 */
export class RoomAwareness {
  private readonly clients = new Map<number, Presence>()
  private tombstones = 0
  private live = 0

  /**
   * Applies what `owner` may change and returns those entries, to be forwarded. Throws
   * ProtocolError (LimitExceeded) when `owner` would own more than `maxOwned` clients.
   */
  apply(owner: object, entries: readonly AwarenessEntry[], ownedIds: Set<number>, maxOwned: number): AwarenessEntry[] {
    const accepted: AwarenessEntry[] = []
    for (const e of entries) {
      const current = this.clients.get(e.clientID)
      const removal = e.state === 'null'
      if (current?.owner && current.owner !== owner) continue
      if (current) {
        const newer = e.clock > current.clock || (e.clock === current.clock && removal && current.state !== null)
        if (!newer) continue
      } else if (removal) continue
      else if (ownedIds.size >= maxOwned) {
        throw new ProtocolError(`more than ${maxOwned} presence clients on one connection`, CloseCode.LimitExceeded)
      }
      this.set(e.clientID, { clock: e.clock, state: removal ? null : e.state, owner: removal ? null : owner })
      if (removal) ownedIds.delete(e.clientID)
      else ownedIds.add(e.clientID)
      accepted.push(e)
    }
    return accepted
  }

  /** Removes `ids` and returns the entries that tell the others they left. */
  remove(ids: Iterable<number>): AwarenessEntry[] {
    const removed: AwarenessEntry[] = []
    for (const clientID of ids) {
      const current = this.clients.get(clientID)
      if (!current || current.state === null) continue
      this.set(clientID, { clock: current.clock + 1, state: null, owner: null })
      removed.push({ clientID, clock: current.clock + 1, state: 'null' })
    }
    return removed
  }

  /** Bytes of presence state held for `ids`. */
  bytesOf(ids: Iterable<number>): number {
    let n = 0
    for (const id of ids) n += this.clients.get(id)?.state?.length ?? 0
    return n
  }

  /** Current states of clients that are here. */
  entries(): AwarenessEntry[] {
    const out: AwarenessEntry[] = []
    for (const [clientID, p] of this.clients)
      if (p.state !== null) out.push({ clientID, clock: p.clock, state: p.state })
    return out
  }

  /** Current states of `ids` that are here (a connection's own clients). */
  entriesOf(ids: Iterable<number>): AwarenessEntry[] {
    const out: AwarenessEntry[] = []
    for (const clientID of ids) {
      const p = this.clients.get(clientID)
      if (p && p.state !== null) out.push({ clientID, clock: p.clock, state: p.state })
    }
    return out
  }

  get size(): number {
    return this.live
  }

  private set(clientID: number, next: Presence): void {
    const prev = this.clients.get(clientID)
    if (prev) {
      this.clients.delete(clientID) // re-insert so Map order is age order for tombstone trimming
      if (prev.state === null) this.tombstones--
      else this.live--
    }
    this.clients.set(clientID, next)
    if (next.state === null) this.tombstones++
    else this.live++
    if (this.tombstones > MAX_TOMBSTONES) {
      for (const [id, p] of this.clients) {
        if (p.state !== null) continue
        this.clients.delete(id)
        if (--this.tombstones <= MAX_TOMBSTONES / 2) break
      }
    }
  }
}
