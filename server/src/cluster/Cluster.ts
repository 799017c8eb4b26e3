import { randomUUID } from 'node:crypto'
import { type ClusterMessage, decodeClusterMessage, encodeClusterMessage } from './clusterMessage.ts'
import type { PubSub } from './PubSub.ts'

/**
 * This instance's membership in a cluster of relays sharing storage: it publishes what it
 * committed and hears what the others committed, for the documents it holds.
 */
export class Cluster {
  readonly instanceId = randomUUID()

  private readonly listeners = new Set<(doc: string, message: ClusterMessage) => void>()

  constructor(readonly pubsub: PubSub) {}

  /** Subscribes to other instances' messages about joined documents; returns the unsubscribe. */
  onDocMessage(listener: (doc: string, message: ClusterMessage) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private onMessage(doc: string, message: ClusterMessage): void {
    for (const listener of this.listeners) listener(doc, message)
  }

  /**
   * Subscribes to the document's channel (only documents this instance serves have one, so
   * it never decodes another room's traffic). Resolves once the subscription is live: what
   * was published before it must be read from storage, and the others' presence asked for.
   */
  join(doc: string): Promise<void> {
    const live = this.pubsub.subscribe(`doc:${doc}`, (bytes) => {
      const m = decodeClusterMessage(bytes)
      if (m && m.from !== this.instanceId) this.onMessage(doc, m)
    })
    return Promise.resolve(live)
  }

  leave(doc: string): void {
    this.pubsub.unsubscribe(`doc:${doc}`)
  }

  /** Hears which record collections other instances committed to (payload: the name). */
  joinRecords(onCommitted: (collection: string) => void): void {
    this.pubsub.subscribe('records', (bytes) => {
      const m = decodeClusterMessage(bytes)
      if (m?.kind === 'records' && m.from !== this.instanceId) onCommitted(new TextDecoder().decode(m.update))
    })
  }

  publishRecords(collection: string): void {
    this.publish('records', 'records', new TextEncoder().encode(collection))
  }

  /** Fire and forget: a lost message is recovered by the resync after the link returns. */
  publish(doc: string, kind: ClusterMessage['kind'], update: Uint8Array): void {
    const channel = kind === 'records' ? 'records' : `doc:${doc}`
    this.pubsub.publish(channel, encodeClusterMessage({ kind, from: this.instanceId, update })).catch(() => {})
  }
}
