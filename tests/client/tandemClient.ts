import { createTandem, type Tandem, type TandemOptions } from '@tandem/client'
import { WebSocket } from 'ws'

// ws implements the browser WebSocket API closely enough; only the types differ.
const NodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket

/** A Tandem client in Node: memory storage, no cross-tab, fast reconnects for tests. */
export function tandemClient(url: string, options: Partial<TandemOptions> = {}): Tandem {
  return createTandem({
    url,
    WebSocket: NodeWebSocket,
    storage: 'memory',
    crossTab: false,
    transport: { backoff: { baseMs: 50, capMs: 500 } },
    ...options,
  })
}
