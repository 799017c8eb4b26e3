import { createServer } from 'node:http'
import { createRelay, type EmbeddedRelay } from './createRelay.ts'
import { type RelayOptions, resolveLimits } from './relayOptions.ts'

export { MIN_SECRET_BYTES, RelayConfigError } from './createRelay.ts'

export interface Relay extends Omit<EmbeddedRelay, 'handleRequest' | 'handleUpgrade' | 'handleConnection'> {
  /** WebSocket base URL, e.g. ws://127.0.0.1:1234; documents live at `${url}/<name>`. */
  readonly url: string
  readonly port: number
}

/** Starts the relay on its own HTTP server and resolves once it listens. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const host = options.host ?? '127.0.0.1'
  const limits = resolveLimits(options)
  const relay = await createRelay(options)
  const http = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default, which would triple them).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    relay.handleRequest,
  )
  http.on('connection', relay.handleConnection)
  http.on('upgrade', relay.handleUpgrade)
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(options.port ?? 1234, host, () => {
        http.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await relay.close()
    throw err
  }
  const address = http.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 1234)
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closed: Promise<void> | null = null
  return {
    url: `ws://${urlHost}:${port}`,
    port,
    metrics: relay.metrics,
    records: relay.records,
    stats: relay.stats,
    openDocument: relay.openDocument,
    close() {
      closed ??= (async () => {
        const httpClosed = new Promise((resolve) => http.close(resolve))
        await relay.close()
        http.closeAllConnections()
        await httpClosed
      })()
      return closed
    },
  }
}
