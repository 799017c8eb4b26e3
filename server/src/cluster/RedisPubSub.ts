import { createRequire } from 'node:module'
import type { Redis } from 'ioredis'
import type { Logger } from '../ops/Logger.ts'
import type { PubSub } from './PubSub.ts'

/**
 * Redis pub/sub between relay instances. Two connections (a subscribed connection cannot
 * publish). ioredis reconnects and resubscribes by itself; what was published while the link
 * was down is lost, so every reconnect after a drop triggers a resync from storage.
 */
export class RedisPubSub implements PubSub {
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly handlers = new Map<string, (message: Uint8Array) => void>()
  private readonly resyncs: (() => void)[] = []
  private wasDown = false
  private publishLost = false
  private errors = 0

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly onError: () => void = () => {},
  ) {
    const options = {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (n: number) => Math.min(n * 200, 2_000),
    }
    // Required here, not imported at the top: a relay without --redis never loads the driver.
    const { Redis: Client } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis')
    this.pub = new Client(url, options)
    this.sub = new Client(url, { ...options, enableOfflineQueue: true })
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      this.handlers.get(channel.toString().slice(this.prefix.length))?.(new Uint8Array(message))
    })
    for (const r of [this.pub, this.sub]) {
      r.on('error', (err: Error) => {
        // Logged once per outage, not once per retry.
        if (this.errors++ === 0) this.log.error('redis error', { error: err.message })
        this.onError()
      })
    }
    this.pub.on('ready', () => {
      if (!this.publishLost) return
      this.publishLost = false
      this.log.warn('redis publishing link up after dropping messages; resyncing documents')
      for (const h of this.resyncs) h()
    })
    this.sub.on('close', () => {
      this.wasDown = true
    })
    this.sub.on('ready', () => {
      this.errors = 0
      // Every channel again, on every connect: a SUBSCRIBE sent while the first connection was
      // being set up and lost with it is not always resubscribed by ioredis, and that instance
      // then hears nothing on it (seen with the records channel of an instance at start).
      const channels = [...this.handlers.keys()].map((c) => this.prefix + c)
      if (channels.length > 0) this.sub.subscribe(...channels).catch(() => {})
      if (!this.wasDown) return
      this.wasDown = false
      this.log.warn('redis link restored; resyncing documents from storage')
      for (const h of this.resyncs) h()
    })
  }

  get healthy(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready'
  }

  async publish(channel: string, message: Uint8Array): Promise<void> {
    try {
      await this.pub.publish(this.prefix + channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength))
    } catch (err) {
      // Refused while the publishing link is not up (also in the first moments after start):
      // the others missed it, so once it is up everyone resyncs.
      this.publishLost = true
      throw err
    }
  }

  subscribe(channel: string, handler: (message: Uint8Array) => void): Promise<void> {
    this.handlers.set(channel, handler)
    // ioredis resolves once Redis confirmed the subscription. A link that drops meanwhile
    // rejects it, resubscribes by itself and ends in a resync, so a rejection counts as done.
    return this.sub.subscribe(this.prefix + channel).then(
      () => {},
      () => {},
    )
  }

  unsubscribe(channel: string): void {
    this.handlers.delete(channel)
    this.sub.unsubscribe(this.prefix + channel).catch(() => {})
  }

  onResync(handler: () => void): void {
    this.resyncs.push(handler)
  }

  async close(): Promise<void> {
    this.pub.disconnect()
    this.sub.disconnect()
  }
}
