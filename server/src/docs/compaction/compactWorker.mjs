// Compaction off the relay's event loop: integrating a long log into a snapshot can take tens
// of milliseconds, which would otherwise stall every socket. Receives { id, parts } and answers
// { id, snapshot, skipped } or { id, error }. Plain JS so it needs no TypeScript loader.
// The relay stores only what integrated into its document (LiveDoc), so every part applies;
// a part that still throws is skipped rather than failing the compaction, and content that
// waits for a dependency no part holds is left out of the snapshot (Yjs would otherwise
// encode it along with the integrated state).
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'

function integrate(parts) {
  let doc = new Y.Doc({ gc: true })
  const good = []
  for (const part of parts) {
    try {
      Y.applyUpdate(doc, part)
      good.push(part)
    } catch {
      doc.destroy()
      doc = new Y.Doc({ gc: true })
      for (const g of good) Y.applyUpdate(doc, g)
    }
  }
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
  const snapshot = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return { snapshot, skipped: parts.length - good.length }
}

parentPort.on('message', ({ id, parts }) => {
  try {
    const { snapshot, skipped } = integrate(parts)
    parentPort.postMessage({ id, snapshot, skipped }, [snapshot.buffer])
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) })
  }
})
