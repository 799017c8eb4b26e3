// The relay inside an Express app: Express answers its own routes, the relay the rest of the
// HTTP requests (health, metrics, REST) and every WebSocket upgrade, all on one port.
// PORT (default 3000) and DATA_DIR (default ./data) configure it; it prints its address.
import { createServer } from 'node:http'
import { createRelay } from '@tandem/server'
import express from 'express'

const relay = await createRelay({ dataDir: process.env.DATA_DIR ?? './data' })

const app = express()
app.get('/hello', (_req, res) => {
  res.json({ hello: 'from express' })
})
// A route that edits a document on the server: the edit is committed, then reaches every client.
app.post('/notes/:name/stamp', async (req, res) => {
  const note = await relay.openDocument(req.params.name)
  try {
    note.doc.getText('body').insert(0, `stamped ${new Date().toISOString()}\n`)
    await note.committed()
    res.json({ ok: true })
  } finally {
    note.close()
  }
})
// Whatever Express does not answer goes to the relay (it replies 404 for what it does not know).
app.use((req, res) => relay.handleRequest(req, res))

const server = createServer(app)
server.on('connection', relay.handleConnection)
server.on('upgrade', relay.handleUpgrade)
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address()
  console.log(JSON.stringify({ http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` }))
})

// Close the relay first: it commits what it received and says goodbye to its sockets.
const stop = async () => {
  await relay.close()
  server.closeAllConnections()
  server.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
