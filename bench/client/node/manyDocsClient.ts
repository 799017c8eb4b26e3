// Child process of scenario (c): opens `--docs` documents from one Node client, either through
// one @tandem/client socket or one stock y-websocket provider each, and reports sockets
// opened, time until all are synced, and heap/RSS growth (after GC). Prints one JSON line,
// then holds the connections until its stdin closes (so the parent can count them on the
// relay), and exits. Run with --expose-gc.
import { parseArgs } from 'node:util'
import { createTandem } from '@tandem/client'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const { values } = parseArgs({
  options: { kind: { type: 'string' }, url: { type: 'string' }, docs: { type: 'string' }, chars: { type: 'string' } },
})
const kind = values.kind
const url = values.url ?? ''
const docs = Number(values.docs)
const chars = Number(values.chars)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
process.setMaxListeners(docs + 20)
setTimeout(() => {
  process.stderr.write('manyDocsClient: timed out\n')
  process.exit(1)
}, 120_000).unref()

let sockets = 0
class CountingWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    sockets++
  }
}
const NodeWebSocket = CountingWebSocket as unknown as typeof globalThis.WebSocket

const settle = () => {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage()
}
const names = Array.from({ length: docs }, (_, i) => `many-${i}`)
const before = settle()
const t0 = performance.now()
let texts: string[]
let cleanup: () => void
if (kind === 'tandem') {
  const tandem = createTandem({ url, WebSocket: NodeWebSocket, storage: 'memory', crossTab: false })
  const handles = names.map((n) => tandem.doc(n))
  await Promise.all(handles.map((h) => h.whenSaved()))
  texts = handles.map((h) => h.doc.getText('t').toString())
  cleanup = () => tandem.destroy()
} else if (kind === 'y-websocket') {
  const providers = names.map(
    (n) => new WebsocketProvider(url, n, new Y.Doc(), { WebSocketPolyfill: NodeWebSocket, disableBc: true }),
  )
  await Promise.all(providers.map((p) => new Promise<void>((resolve) => p.once('sync', () => resolve()))))
  texts = providers.map((p) => p.doc.getText('t').toString())
  cleanup = () => {
    for (const p of providers) p.destroy()
  }
} else throw new Error(`unknown --kind ${kind}`)
const syncMs = performance.now() - t0
const after = settle()
const MB = 1024 * 1024
const result = {
  sockets,
  syncMs,
  heapMB: (after.heapUsed - before.heapUsed) / MB,
  rssMB: (after.rss - before.rss) / MB,
  complete: texts.every((t) => t.length === chars),
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.stdin.resume()
process.stdin.once('end', () => {
  cleanup()
  process.exit(0)
})
