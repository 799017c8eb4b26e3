// Compaction off the relay's event loop: merging a long log into a snapshot can take tens of
// milliseconds, which would otherwise stall every socket. Receives { id, parts } and answers
// { id, snapshot, skipped } or { id, error }. Plain JS so it needs no TypeScript loader.
// A part Yjs cannot integrate (a hostile update that parsed) is skipped, as in mergeMany.ts:
// the new snapshot then no longer carries it.
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
