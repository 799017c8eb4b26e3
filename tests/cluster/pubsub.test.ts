import { createLogger, MemoryHub, MemoryPubSub, type PubSub, RedisPubSub } from '@tandem/server'
import { describePubSub } from '@tandem/testing'
import { afterAll, beforeAll } from 'vitest'
import { type RedisProcess, startRedis } from '../helpers/redisProcess.ts'

// The PubSub acceptance suite of @tandem/testing against both implementations the relay ships.

describePubSub('MemoryPubSub', async () => {
  const hub = new MemoryHub()
  return {
    pair: async () => [new MemoryPubSub(hub), new MemoryPubSub(hub)],
    async interrupt(target: PubSub) {
      const memory = target as MemoryPubSub
      memory.setConnected(false)
      return async () => memory.setConnected(true)
    },
    destroy: async () => {},
  }
})

// A redis-server of this file's own, so the outage test can kill it without touching the
// machine's shared Redis; each test gets a key prefix of its own on it.
let redis: RedisProcess
let run = 0
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

describePubSub('RedisPubSub', async () => {
  const prefix = `pubsub-suite-${process.pid}-${++run}:`
  const logger = createLogger('silent')
  return {
    pair: async () => [new RedisPubSub(redis.url, prefix, logger), new RedisPubSub(redis.url, prefix, logger)],
    async interrupt() {
      await redis.stop()
      return () => redis.start()
    },
    destroy: async () => {},
  }
})
