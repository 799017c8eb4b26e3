// The Node side of bench/records: one @tandem/client replica (memory store, no cross-tab) per
// phase against the relay, with its socket's bytes counted. Phases share one device store, as
// the same device would across reconnects: initial sync, then a delta, then a check-in.
import {
  createTandem,
  MemoryRecordStore,
  type RecordCollection,
  type RecordsCheckInReport,
  type Tandem,
} from '@tandem/client'
import { WebSocket as NodeWs } from 'ws'
import { range, recordId, taskFields, writeTasks } from './seed.ts'
import { type ByteCounter, countingWebSocket, newCounter, since, snapshot } from './wireBytes.ts'

export interface SyncFigures {
  ms: number
  bytes: ByteCounter
}

export interface CheckInFigures {
  /** The client's own report: whole Tandem frames of the check-in, both directions. */
  reportBytes: number
  roundTrips: number
  repaired: string[]
  /** The whole reconnect at the socket: subscribe, the empty pull, the check-in and its repair. */
  socket: ByteCounter
}

/** Polls `ready` every 5 ms; throws after `timeoutMs` so no phase can hang the run. */
async function until(what: string, ready: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const synced = (c: RecordCollection) => c.status.value.state === 'synced' && c.status.value.pending === 0

export class NodeReplica {
  readonly store = new MemoryRecordStore()
  counter = newCounter()
  private tandem: Tandem | null = null
  private collection: RecordCollection | null = null

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly timeoutMs: number,
  ) {}

  /** A new client instance on the same device store (as after an app restart). */
  private open(): RecordCollection {
    this.counter = newCounter()
    const WebSocket = countingWebSocket(NodeWs as unknown as typeof globalThis.WebSocket, this.counter)
    this.tandem = createTandem({
      url: this.url,
      WebSocket,
      storage: 'memory',
      crossTab: false,
      records: { store: this.store },
    })
    this.collection = this.tandem.records(this.name)
    return this.collection
  }

  /** From an empty device: until every one of `n` records is in memory and the pull is done. */
  async initialSync(n: number): Promise<SyncFigures> {
    const start = performance.now()
    const c = this.open()
    let checkedIn = false
    const stop = c.on('checkIn', () => {
      checkedIn = true
    })
    await until('the initial sync', () => synced(c) && c.all().length === n, this.timeoutMs)
    const figures = { ms: performance.now() - start, bytes: snapshot(this.counter) }
    // The check-in that follows a sync (hashing every record, in slices) belongs to it: the
    // delta is timed from a replica that finished syncing, as a later reconnect would be.
    await until('the check-in after the initial sync', () => checkedIn, this.timeoutMs)
    stop()
    return figures
  }

  /** Offline, another replica changes `changes` records; back online, the token pull brings them. */
  async delta(http: string, changes: number, total: number): Promise<SyncFigures> {
    const c = this.collection!
    this.tandem!.setOnline(false)
    await until('going offline', () => c.status.value.state === 'offline', 5_000)
    const step = Math.floor(total / changes)
    const indexes = range(changes).map((k) => k * step)
    await writeTasks(http, this.name, indexes, 1)
    const before = snapshot(this.counter)
    const start = performance.now()
    this.tandem!.setOnline(true)
    const last = recordId(indexes.at(-1)!)
    const wanted = taskFields(indexes.at(-1)!, 1).title
    await until('the delta', () => synced(c) && c.get(last)?.title === wanted, this.timeoutMs)
    return { ms: performance.now() - start, bytes: since(before, this.counter) }
  }

  /**
   * Corrupts one stored record behind the client's back (its stamp kept, so no pull will ever
   * fix it), restarts the client on that store and waits for the automatic Merkle check-in.
   */
  async checkIn(corruptIndex: number): Promise<CheckInFigures> {
    const id = recordId(corruptIndex)
    const stored = this.collection!.record(id)!
    this.tandem!.destroy()
    const title = stored.fields.title!
    await this.store.apply(this.name, {
      replace: [{ ...stored, fields: { ...stored.fields, title: { ...title, value: 'corrupted' } } }],
    })
    const c = this.open()
    const report = await new Promise<RecordsCheckInReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no check-in report')), this.timeoutMs)
      c.on('checkIn', (r) => {
        clearTimeout(timer)
        resolve(r)
      })
    })
    if (c.get(id)?.title === 'corrupted') throw new Error(`check-in did not repair ${id}`)
    return {
      reportBytes: report.bytes,
      roundTrips: report.roundTrips,
      repaired: report.repaired,
      socket: snapshot(this.counter),
    }
  }

  close(): void {
    this.tandem?.destroy()
  }
}
