import {
  closeCodeName,
  decodeMessage,
  encodeAwarenessFrame,
  encodeSyncStep1,
  MessageType,
  SyncMessageType,
  stateDigest,
  TandemMessageType as T,
  type TandemMessage,
} from '@tandem/protocol'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { FROM_SERVER } from './origins.ts'
import type { PendingChanges } from './PendingChanges.ts'
import type { ChannelHandler, SyncTransport } from './SyncTransport.ts'

export interface CheckInReport {
  match: boolean
  /** True when a mismatch was repaired by a full state-vector resync. */
  repaired: boolean
  at: number
}

export interface DocSyncEvents {
  changed(): void
  checkIn(report: CheckInReport): void
  error(error: Error): void
  /** The relay recorded a version of this document; `newest` is its id. */
  versionsChanged(newest: number): void
}

/** Check-ins whose result arrives while the document is changing are inconclusive; retry this often. */
const MAX_CHECKIN_RETRIES = 3

/**
 * The server side of one document: state-vector sync on every (re)connect, live updates in
 * both directions, durable acks, presence, and a check-in after each sync.
 */
export class DocSync implements ChannelHandler {
  readonly channel: number
  /** We answered the server's step 1, so live updates may flow. */
  private replied = false
  /** The server's step 2 arrived: we hold everything it had. */
  private received = false
  /** The sequence our step-2 reply carried; synced once it is acked. */
  private syncSeq = Number.POSITIVE_INFINITY
  private checkedIn = false
  private activity = 0
  private checkInRetries = 0
  private repairing = false
  private checkInActivity = 0

  constructor(
    private readonly name: string,
    private readonly doc: Y.Doc,
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly pending: PendingChanges,
    private readonly transport: SyncTransport,
    private readonly events: DocSyncEvents,
  ) {
    this.channel = transport.open(name, this)
  }

  /** Synced: both directions exchanged and our side acked. */
  get synced(): boolean {
    return this.received && this.pending.ackedUpTo >= this.syncSeq
  }

  opened(): void {
    this.replied = this.received = this.checkedIn = false
    this.syncSeq = Number.POSITIVE_INFINITY
    this.sendDoc(encodeSyncStep1(Y.encodeStateVector(this.doc)))
    if (this.awareness.getLocalState() !== null) {
      this.sendDoc(awarenessMessage(this.awareness, [this.doc.clientID]))
    }
    this.events.changed()
  }

  closed(): void {
    this.replied = this.received = false
    // The others are unreachable now: show only ourselves, as stock y-websocket does.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID)
    awarenessProtocol.removeAwarenessStates(this.awareness, others, FROM_SERVER)
    this.events.changed()
  }

  /** A local change: sent now if the channel is live, else carried by the next sync. */
  localUpdate(update: Uint8Array, seq: number): void {
    this.activity++
    if (this.replied) this.transport.send({ type: T.DocUpdate, channel: this.channel, seq, update })
  }

  /**
   * The device's stored state was applied (`seq` counts it if it holds unacked changes): sent
   * whole if the channel is already live, else the next sync's diff carries it.
   */
  storedStateLoaded(seq: number): void {
    this.activity++
    if (this.replied) {
      this.transport.send({ type: T.DocUpdate, channel: this.channel, seq, update: Y.encodeStateAsUpdate(this.doc) })
    }
  }

  localAwareness(clients: number[]): void {
    this.sendDoc(awarenessMessage(this.awareness, clients))
  }

  message(m: TandemMessage): void {
    if (m.type === T.Doc) this.docMessage(m.message)
    else if (m.type === T.Ack) {
      this.pending.acked(m.seq)
      this.maybeCheckIn()
      this.events.changed()
    } else if (m.type === T.CheckInResult) this.checkInResult(m.match)
    else if (m.type === T.VersionsChanged) this.events.versionsChanged(m.version)
    else if (m.type === T.Refused) {
      // The document is unchanged on the server; the change stays pending, never "saved".
      this.events.error(new Error(`server refused a change to '${this.name}': ${m.reason}`))
    } else if (m.type === T.Error) {
      this.events.error(new Error(`server closed '${this.name}': ${closeCodeName(m.code)} (${m.reason})`))
      this.transport.close(this.channel)
    }
  }

  private docMessage(frame: Uint8Array): void {
    const m = decodeMessage(frame)
    if (m.type === MessageType.Sync) {
      if (m.sync === SyncMessageType.Step1) {
        const seq = this.pending.last
        const update = Y.encodeStateAsUpdate(this.doc, m.stateVector)
        this.transport.send({ type: T.DocUpdate, channel: this.channel, seq, update })
        this.syncSeq = seq
        this.replied = true
      } else {
        this.activity++
        Y.applyUpdate(this.doc, m.update, FROM_SERVER)
        if (m.sync === SyncMessageType.Step2) this.received = true
      }
      this.maybeCheckIn()
      this.events.changed()
    } else if (m.type === MessageType.Awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, m.update, FROM_SERVER)
    } else if (m.type === MessageType.QueryAwareness) {
      this.localAwareness([this.doc.clientID])
    }
  }

  private maybeCheckIn(): void {
    if (!this.checkedIn && this.synced) {
      this.checkedIn = true
      void this.checkIn()
    }
  }

  /** Compares digests with the server now. */
  async checkIn(): Promise<void> {
    const activity = this.activity
    const digest = await stateDigest(this.doc)
    this.checkInActivity = activity
    this.transport.send({ type: T.CheckIn, channel: this.channel, digest })
  }

  private checkInResult(match: boolean): void {
    if (match) {
      this.checkInRetries = 0
      this.events.checkIn({ match, repaired: this.repairing, at: Date.now() })
      this.repairing = false
      return
    }
    if (this.activity !== this.checkInActivity && this.checkInRetries < MAX_CHECKIN_RETRIES) {
      // Edits crossed the check-in; the digests describe different moments. Ask again.
      this.checkInRetries++
      setTimeout(() => void this.checkIn(), 200)
      return
    }
    this.events.checkIn({ match: false, repaired: false, at: Date.now() })
    if (this.repairing) return
    // Real divergence: exchange everything both ways, then check again.
    // Check again once the server's answer arrived and our full state is acked.
    this.repairing = true
    this.checkInRetries = 0
    this.received = this.checkedIn = false
    this.syncSeq = this.pending.last
    this.sendDoc(encodeSyncStep1(Y.encodeStateVector(this.doc)))
    const update = Y.encodeStateAsUpdate(this.doc)
    this.transport.send({ type: T.DocUpdate, channel: this.channel, seq: this.syncSeq, update })
  }

  private sendDoc(message: Uint8Array): void {
    this.transport.send({ type: T.Doc, channel: this.channel, message })
  }

  destroy(): void {
    this.transport.close(this.channel)
  }
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  return encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, clients))
}
