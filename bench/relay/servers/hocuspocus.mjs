// Hocuspocus 4 with its SQLite extension, as an operator would start it: defaults kept
// (store debounce 2 s, max 10 s; unload and store immediately when the last client leaves).
// Usage: node hocuspocus.mjs --port P --data DIR
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

const { values } = parseArgs({ strict: false, options: { port: { type: 'string' }, data: { type: 'string' } } })
const dir = values.data ?? './data'
mkdirSync(dir, { recursive: true })

const server = new Server({
  address: '127.0.0.1',
  port: Number(values.port ?? 1234),
  quiet: true,
  extensions: [new SQLite({ database: join(dir, 'hocuspocus.sqlite') })],
})
await server.listen()
console.log(`hocuspocus listening on ws://127.0.0.1:${server.address.port}`)
