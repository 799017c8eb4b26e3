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
    this.sub.on('close', () => {
      this.wasDown = true
    })
    this.sub.on('ready', () => {
      this.errors = 0
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
    await this.pub.publish(this.prefix + channel, Buffer.from(message.buffer, message.byteOffset, message.byteLength))
  }

  subscribe(channel: string, handler: (message: Uint8Array) => void): void {
    this.handlers.set(channel, handler)
    this.sub.subscribe(this.prefix + channel).catch(() => {})
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
