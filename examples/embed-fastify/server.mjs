// The relay inside a Fastify app: Fastify answers its own routes, the relay its HTTP API
// (health, metrics, REST) and every WebSocket upgrade, all on one port.
// PORT (default 3000) and DATA_DIR (default ./data) configure it; it prints its address.
import { createRelay } from '@tandem/server'
import Fastify from 'fastify'

const relay = await createRelay({ dataDir: process.env.DATA_DIR ?? './data' })
const app = Fastify()

// The relay's paths go to it before Fastify parses a body: its REST API reads the raw request
// (binary Yjs updates) itself. `hijack` tells Fastify the response is written elsewhere.
const RELAY_PATHS = /^\/(v1|healthz|readyz|metrics)(\/|\?|$)/
app.addHook('onRequest', (req, reply, done) => {
  if (!RELAY_PATHS.test(req.url)) return done()
  reply.hijack()
  relay.handleRequest(req.raw, reply.raw)
})

app.get('/hello', async () => ({ hello: 'from fastify' }))
// A route that edits a document on the server: the edit is committed, then reaches every client.
app.post('/notes/:name/stamp', async (req) => {
  const note = await relay.openDocument(req.params.name)
  try {
    note.doc.getText('body').insert(0, `stamped ${new Date().toISOString()}\n`)
    await note.committed()
    return { ok: true }
  } finally {
    note.close()
  }
})

// WebSockets never reach Fastify's router: the relay takes the upgrade from the raw server.
app.server.on('upgrade', relay.handleUpgrade)
app.server.on('connection', relay.handleConnection)
// Close the relay first: it commits what it received and says goodbye to its sockets.
app.addHook('onClose', async () => relay.close())

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
const { port } = app.server.address()
console.log(JSON.stringify({ http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` }))

const stop = async () => {
  await app.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
