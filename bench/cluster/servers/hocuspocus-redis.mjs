// Hocuspocus 4.7 with its Redis extension (one instance of a cluster) and, per instance, its
// own SQLite file through @hocuspocus/extension-sqlite. Defaults kept for both extensions
// (store debounce 2 s, max 10 s; Redis lock 1 s, disconnect delay 1 s, initial sync wait 1 s);
// the Redis key prefix and the instance identifier come from the command line so that runs
// sharing one Redis do not see each other.
// Usage: node hocuspocus-redis.mjs --port P --data DIR --redis-host H --redis-port N --prefix X --id NAME
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Redis } from '@hocuspocus/extension-redis'
import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    data: { type: 'string' },
    'redis-host': { type: 'string' },
    'redis-port': { type: 'string' },
    prefix: { type: 'string' },
    id: { type: 'string' },
  },
})
const dir = values.data ?? './data'
mkdirSync(dir, { recursive: true })

const redis = new Redis({
  host: values['redis-host'] ?? '127.0.0.1',
  port: Number(values['redis-port'] ?? 6379),
  prefix: values.prefix ?? 'hocuspocus',
  ...(values.id ? { identifier: values.id } : {}),
})

const server = new Server({
  address: '127.0.0.1',
  port: Number(values.port ?? 1234),
  quiet: true,
  stopOnSignals: false,
  // The Redis extension goes first (priority 1000) so its store lock wraps the SQLite store.
  extensions: [redis, new SQLite({ database: join(dir, 'hocuspocus.sqlite') })],
})

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(1), 5_000).unref()
  server.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

await server.listen()
console.log(`hocuspocus-redis listening on ws://127.0.0.1:${server.address.port}`)
