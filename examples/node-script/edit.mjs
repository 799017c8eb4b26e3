// Edits a document and a record collection from Node, then reads both back through a second
// client, so a success means the relay stored and served them. Usage:
//   npx tandem-server --port 1234 &   node edit.mjs ws://127.0.0.1:1234
import { createTandem } from '@tandem/client'
import { canonicalJson } from '@tandem/records'
import WebSocket from 'ws'

const url = process.argv[2] ?? 'ws://127.0.0.1:1234'
const text = `hello from Node at ${new Date().toISOString()}`

// Node has no IndexedDB: documents and records live in memory; `ws` provides the socket.
const writer = createTandem({ url, WebSocket, storage: 'memory', user: { name: 'script', color: '#4363d8' } })
const notes = writer.doc('examples-notes')
notes.doc.getText('body').insert(0, text)
const tasks = writer.records('examples-tasks')
await tasks.put('t1', { title: 'ship the packages', done: false })
await tasks.update('t1', { done: true })
await notes.whenSaved()
await tasks.status.when((s) => s.state === 'synced' && s.pending === 0)

const reader = createTandem({ url, WebSocket, storage: 'memory' })
const copy = reader.doc('examples-notes')
await copy.whenSaved()
const readTasks = reader.records('examples-tasks')
await readTasks.status.when((s) => s.state === 'synced')

const result = { text: copy.doc.getText('body').toString(), task: readTasks.get('t1') }
writer.destroy()
reader.destroy()
if (result.text !== text || !result.task?.done) {
  console.error(`read back something else: ${JSON.stringify(result)}`)
  process.exit(1)
}
console.log(canonicalJson(result))
