import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { waitUntil } from './wait.ts'

/**
 * A stock npm `y-websocket` client running in Node. `disableBc` is always on: Node 20 has a
 * global BroadcastChannel, and with it two providers in one process would sync through it
 * and a test would pass with the relay doing nothing.
 */
export interface StockClient {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Resolves when the provider first reports `synced` (it received the server's step 2). */
  synced: Promise<void>
  destroy(): void
}

export interface StockClientOptions {
  doc?: Y.Doc
  params?: Record<string, string>
  connect?: boolean
  /** Runs synchronously inside the first `sync` event, to see the document as the first sync left it. */
  onFirstSync?: (doc: Y.Doc) => void
  maxBackoffTime?: number
}

// ws implements the browser WebSocket API closely enough for y-websocket; only the types differ.
const NodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket

// every provider adds a process 'exit' listener (to clear its presence); tests hold dozens at once
process.setMaxListeners(Math.max(process.getMaxListeners(), 200))

export function connectClient(serverUrl: string, docName: string, options: StockClientOptions = {}): StockClient {
  const doc = options.doc ?? new Y.Doc()
  const provider = new WebsocketProvider(serverUrl, docName, doc, {
    WebSocketPolyfill: NodeWebSocket,
    disableBc: true,
    connect: false,
    params: options.params ?? {},
    maxBackoffTime: options.maxBackoffTime ?? 500,
  })
  const synced = new Promise<void>((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return
      provider.off('sync', onSync)
      options.onFirstSync?.(doc)
      resolve()
    }
    provider.on('sync', onSync)
  })
  // the listener is attached before connecting, so even an instant reply cannot be missed
  if (options.connect !== false) provider.connect()
  return {
    doc,
    provider,
    synced,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Connects and waits for the first sync, bounded in time. */
export async function syncedClient(
  serverUrl: string,
  docName: string,
  options: StockClientOptions = {},
): Promise<StockClient> {
  const client = connectClient(serverUrl, docName, options)
  let done = false
  void client.synced.then(() => {
    done = true
  })
  await waitUntil(`client of "${docName}" synced`, () => done, { timeoutMs: 15_000 })
  return client
}

/**
 * Drops the client's socket without the goodbye a `provider.disconnect()` sends (an awareness
 * update with a null state), the way a crashed tab or a lost network does.
 */
export function dropConnection(client: StockClient): void {
  client.provider.shouldConnect = false
  const ws = client.provider.ws as unknown as WebSocket | null
  ws?.terminate()
}

/** Everything a test compares between replicas, as one string. */
export function docFingerprint(doc: Y.Doc, names: { text?: string[]; map?: string[]; array?: string[] }): string {
  const out: Record<string, unknown> = {}
  for (const n of names.text ?? []) out[`text:${n}`] = doc.getText(n).toString()
  for (const n of names.map ?? []) out[`map:${n}`] = sortKeys(doc.getMap(n).toJSON())
  for (const n of names.array ?? []) out[`array:${n}`] = doc.getArray(n).toJSON()
  return JSON.stringify(out)
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** What the relay holds for `doc` (text 't'), read by a stock y-websocket client. */
export async function serverText(url: string, doc: string): Promise<string> {
  const client = await syncedClient(url, doc)
  try {
    return client.doc.getText('t').toString()
  } finally {
    client.destroy()
  }
}
