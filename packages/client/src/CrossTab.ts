import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { FROM_OTHER_TAB, isLocalOrigin } from './origins.ts'

type TabMessage =
  | { t: 'update'; update: Uint8Array }
  | { t: 'awareness'; update: Uint8Array }
  | { t: 'hello'; stateVector: Uint8Array }

/**
 * Tabs of one browser share a document over BroadcastChannel: local changes and presence go
 * to the others directly, so tabs stay in step while the server is unreachable. A new tab
 * announces its state vector and the others answer with what it lacks.
 */
export class CrossTab {
  private readonly channel: BroadcastChannel
  private readonly onAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin !== FROM_OTHER_TAB) {
      const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID)
      if (changed.length > 0) {
        this.post({ t: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) })
      }
    }
  }

  constructor(
    name: string,
    private readonly doc: Y.Doc,
    private readonly awareness: awarenessProtocol.Awareness,
  ) {
    this.channel = new BroadcastChannel(name)
    this.channel.onmessage = (event: MessageEvent<TabMessage>) => this.receive(event.data)
    awareness.on('update', this.onAwareness)
    this.post({ t: 'hello', stateVector: Y.encodeStateVector(doc) })
    // Announce this tab's presence too: a hello is answered with the others' presence only, and
    // the awareness renewal that would carry ours comes 15 s later.
    if (awareness.getLocalState() !== null) {
      this.post({ t: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]) })
    }
  }

  /**
   * A change to the doc, from the handle's one update listener (a listener of its own would
   * make Yjs encode the stored state at load just to be ignored): local ones go to the others.
   */
  changed(update: Uint8Array, origin: unknown): void {
    if (isLocalOrigin(origin)) this.post({ t: 'update', update })
  }

  private post(message: TabMessage): void {
    try {
      this.channel.postMessage(message)
    } catch {
      // A closed channel (tab shutting down) has nobody left to tell.
    }
  }

  private receive(m: TabMessage): void {
    if (m.t === 'update') Y.applyUpdate(this.doc, m.update, FROM_OTHER_TAB)
    else if (m.t === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, m.update, FROM_OTHER_TAB)
    else if (m.t === 'hello') {
      const diff = Y.encodeStateAsUpdate(this.doc, m.stateVector)
      if (diff.length > 2) this.post({ t: 'update', update: diff })
      if (this.awareness.getLocalState() !== null) {
        this.post({
          t: 'awareness',
          update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]),
        })
      }
    }
  }

  destroy(): void {
    this.awareness.off('update', this.onAwareness)
    this.channel.close()
  }
}
