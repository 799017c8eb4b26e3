import { assertNodeId, type HlcStamp, MAX_COUNTER, MAX_WALL } from './HlcStamp.ts'
import { RecordsError } from './RecordsError.ts'

export interface HybridLogicalClockOptions {
  /** This replica's id; it breaks ties, so two replicas must never share one. */
  nodeId: string
  /** Physical clock in milliseconds; injectable so tests can jump it backwards. */
  wallClock?: () => number
  /** How far a remote stamp may be ahead of our physical clock before we refuse it. */
  maxSkewMs?: number
}

export const DEFAULT_MAX_SKEW_MS = 60_000

/**
 * Throws {@link RecordsError} `clock-skew` if `stamp` is more than `maxSkewMs` ahead of
 * `physicalNow`. Without this bound one client with a wrong clock (or a hostile one) could
 * stamp writes in the year 3000 and win every future merge.
 */
export function assertWithinSkew(stamp: HlcStamp, physicalNow: number, maxSkewMs = DEFAULT_MAX_SKEW_MS): void {
  const ahead = stamp.wall - physicalNow
  if (ahead > maxSkewMs) {
    throw new RecordsError(
      'clock-skew',
      `stamp from ${stamp.node} is ${ahead} ms ahead of the local clock (limit ${maxSkewMs} ms)`,
    )
  }
}

/**
 * Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014). Stamps never go
 * backwards even when the physical clock does, stay close to physical time, and every stamp
 * issued after seeing a remote stamp is greater than it, so causality implies stamp order.
 */
export class HybridLogicalClock {
  readonly nodeId: string
  readonly maxSkewMs: number
  readonly #wallClock: () => number
  #wall = 0
  #counter = 0

  constructor(options: HybridLogicalClockOptions) {
    assertNodeId(options.nodeId)
    const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
    if (!(maxSkewMs >= 0)) throw new RecordsError('invalid-argument', 'maxSkewMs must be a non-negative number')
    this.nodeId = options.nodeId
    this.maxSkewMs = maxSkewMs
    this.#wallClock = options.wallClock ?? Date.now
  }

  /** The last stamp issued or observed, e.g. to persist and restore with {@link restore}. */
  get last(): HlcStamp {
    return { wall: this.#wall, counter: this.#counter, node: this.nodeId }
  }

  /**
   * Moves the clock forward to at least `stamp` without issuing anything, e.g. on startup
   * from the greatest stamp in local storage, so a restarted replica cannot reissue a stamp.
   */
  restore(stamp: HlcStamp): void {
    if (stamp.wall > this.#wall || (stamp.wall === this.#wall && stamp.counter > this.#counter)) {
      this.#wall = stamp.wall
      this.#counter = stamp.counter
    }
  }

  /** A stamp for a local event (a write): greater than every stamp issued or received so far. */
  now(): HlcStamp {
    const physical = this.#physical()
    if (physical > this.#wall) this.#set(physical, 0)
    else this.#set(this.#wall, this.#counter + 1)
    return this.last
  }

  /**
   * Merges a remote stamp into the clock (the paper's receive event) and returns the stamp of
   * that event, greater than both the remote stamp and everything issued before. A remote
   * stamp beyond the skew bound is refused before it can move the clock.
   */
  receive(remote: HlcStamp): HlcStamp {
    const physical = this.#physical()
    assertWithinSkew(remote, physical, this.maxSkewMs)
    const wall = Math.max(this.#wall, remote.wall, physical)
    if (wall === this.#wall && wall === remote.wall) this.#set(wall, Math.max(this.#counter, remote.counter) + 1)
    else if (wall === this.#wall) this.#set(wall, this.#counter + 1)
    else if (wall === remote.wall) this.#set(wall, remote.counter + 1)
    else this.#set(wall, 0)
    return this.last
  }

  /** Refuses a remote stamp too far ahead without touching the clock, for validating a batch first. */
  check(remote: HlcStamp): void {
    assertWithinSkew(remote, this.#physical(), this.maxSkewMs)
  }

  #physical(): number {
    const value = Math.floor(this.#wallClock())
    // A broken clock source must not poison stamps; the logical part still keeps order.
    return Number.isFinite(value) ? Math.min(Math.max(value, 0), MAX_WALL) : 0
  }

  // More than MAX_COUNTER events in one millisecond: borrow the next millisecond instead of
  // failing a write. The clock then runs ahead of physical time by at most a few ms.
  #set(wall: number, counter: number): void {
    if (counter > MAX_COUNTER) {
      this.#wall = wall + 1
      this.#counter = 0
    } else {
      this.#wall = wall
      this.#counter = counter
    }
  }
}
