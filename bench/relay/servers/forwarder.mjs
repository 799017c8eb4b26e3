// The raw forwarder: a ws server that sends every binary frame it receives to the other
// sockets of the same room (URL path). No Yjs, no storage: the ceiling for a relay in Node.
// Usage: node forwarder.mjs --port P
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { WebSocketServer } from 'ws'

const { values } = parseArgs({ options: { port: { type: 'string' }, data: { type: 'string' } } })
/** @type {Map<string, Set<import('ws').WebSocket>>} */
const rooms = new Map()
const http = createServer((_req, res) => res.end('ok'))
const wss = new WebSocketServer({ server: http })

wss.on('connection', (ws, req) => {
  const name = (req.url ?? '/').split('?')[0]
  let room = rooms.get(name)
  if (!room) {
    room = new Set()
    rooms.set(name, room)
  }
  const peers = room
  peers.add(ws)
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return
    for (const peer of peers) if (peer !== ws && peer.readyState === 1) peer.send(data)
  })
  ws.on('close', () => {
    peers.delete(ws)
    if (peers.size === 0) rooms.delete(name)
  })
  ws.on('error', () => ws.terminate())
})

const stop = () => {
  for (const ws of wss.clients) ws.terminate()
  http.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
http.listen(Number(values.port ?? 1234), '127.0.0.1', () => {
  console.log(`forwarder listening on ws://127.0.0.1:${http.address().port}`)
})
