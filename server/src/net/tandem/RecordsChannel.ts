import { CloseCode, encodeTandemMessage, TandemMessageType as T, type TandemMessage } from '@tandem/protocol'
import type { LiveChange, RecordService } from '../../records/RecordService.ts'
import type { Connection } from '../Connection.ts'

/** Records per page of a pull; ~30 KB per 100 small records. */
export const PAGE_SIZE = 1_000
/** A pull pauses while the socket's send buffer is above this, so a big initial sync cannot trip the slow-reader limit. */
const DRAIN_BELOW = 512 * 1024
const DRAIN_WAIT_MS = 10
const DRAIN_MAX_WAITS = 3_000

/**
 * One record collection on a Tandem socket. It first pulls, page by page, from the client's
 * token; committed changes that arrive meanwhile are buffered, and once the pull reaches the
 * head they are forwarded live, skipping what the pull already covered. Because the pull's
 * last read happens after the subscription starts, no commit can fall between the two.
 */
export class RecordsChannel {
  closed = false
  private live = false
  private position = 0
  private buffered: LiveChange[] = []
  private catchingUp: Promise<void> | null = null
  /** Something may have been committed since the last read: read again. */
  private again = false
  private readonly unsubscribe: () => void

  constructor(
    readonly id: number,
    readonly collection: string,
    private readonly conn: Connection,
    private readonly service: RecordService,
    token: string,
    private readonly onClosed: (channel: RecordsChannel) => void,
  ) {
    this.unsubscribe = service.subscribe(collection, {
      change: (change) => this.changed(change),
      remote: () => this.catchUp(),
    })
    this.pull(token).catch((err) => this.close(CloseCode.InternalError, `pull failed: ${String(err)}`))
  }

  send(message: TandemMessage): void {
    if (!this.closed) this.conn.send(encodeTandemMessage(message))
  }

  private async pull(token: string): Promise<void> {
    for (;;) {
      const page = await this.service.pull(this.collection, token, PAGE_SIZE)
      if (this.closed) return
      this.send({ type: T.RecordsChanges, channel: this.id, json: page.json })
      this.position = page.seq
      token = page.token
      if (!page.more) break
      for (let i = 0; i < DRAIN_MAX_WAITS && this.conn.ws.bufferedAmount > DRAIN_BELOW; i++) {
        await new Promise((resolve) => setTimeout(resolve, DRAIN_WAIT_MS))
      }
    }
    this.live = true
    for (const change of this.buffered.splice(0)) this.changed(change)
    if (this.again) this.catchUp()
  }

  /**
   * Reads from storage whatever follows this channel's position: after another instance
   * committed, or when a live change does not follow on directly (another instance's commit
   * took the sequence numbers in between). Storage holds every change in order, so reading
   * from the position can neither skip nor repeat one.
   */
  private catchUp(): void {
    if (!this.live || this.catchingUp) {
      this.again = true
      return
    }
    this.catchingUp = (async () => {
      do {
        this.again = false
        for (;;) {
          const page = await this.service.pull(
            this.collection,
            this.service.tokenAt(this.collection, this.position),
            PAGE_SIZE,
          )
          if (this.closed) return
          if (page.seq > this.position) {
            this.position = page.seq
            this.send({ type: T.RecordsChanges, channel: this.id, json: page.json })
          }
          if (!page.more) break
        }
      } while (this.again && !this.closed)
    })()
      .catch((err) => this.close(CloseCode.InternalError, `catch-up failed: ${String(err)}`))
      .finally(() => {
        this.catchingUp = null
      })
  }

  private changed(change: LiveChange): void {
    if (this.closed) return
    if (!this.live) {
      this.buffered.push(change)
      return
    }
    const fresh = change.records.filter((r) => r.seq > this.position)
    if (fresh.length === 0) return
    if (this.catchingUp || fresh[0]!.seq !== this.position + 1) return this.catchUp()
    this.position = fresh.at(-1)!.seq
    const page = {
      changes: fresh.map((r) => r.record),
      token: this.service.tokenAt(this.collection, this.position),
      reset: false,
      more: false,
      live: true,
      ...(change.conflicts.length ? { conflicts: change.conflicts } : {}),
    }
    this.send({ type: T.RecordsChanges, channel: this.id, json: JSON.stringify(page) })
  }

  /** Closes the channel (not the socket) and tells the client why. */
  close(code: number, reason: string): void {
    if (this.closed) return
    this.send({ type: T.Error, channel: this.id, code, reason })
    this.detach()
  }

  detach(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    this.onClosed(this)
  }
}
