// Compaction off the relay's event loop: merging a long log into a snapshot can take tens of
// milliseconds, which would otherwise stall every socket. Receives { id, parts } and answers
// { id, snapshot } or { id, error }. Plain JS so it needs no TypeScript loader.
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'

parentPort.on('message', ({ id, parts }) => {
  const doc = new Y.Doc({ gc: true })
  try {
    for (const part of parts) Y.applyUpdate(doc, part)
    const snapshot = Y.encodeStateAsUpdate(doc)
    parentPort.postMessage({ id, snapshot }, [snapshot.buffer])
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) })
  } finally {
    doc.destroy()
  }
})
