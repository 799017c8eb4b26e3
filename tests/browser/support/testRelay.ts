import { join } from 'node:path'
import { createLogger, type DocStorage, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'

export interface RelayOnPort {
  relay: Relay
  url: string
  /** Stops the relay (keeping its data) and starts it again on the same port and data. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * The real relay in this process, restartable on the same port so a browser's IndexedDB
 * database (named after the URL) stays the same. `wrap` may put a test double around the
 * SQLite storage.
 */
export async function relayOnPort(
  dataDir: string,
  wrap: (inner: DocStorage) => DocStorage = (s) => s,
): Promise<RelayOnPort> {
  const start = (port: number) =>
    startRelay({
      host: '127.0.0.1',
      port,
      logger: createLogger('silent'),
      storage: wrap(new SqliteDocStorage({ file: join(dataDir, 'tandem.sqlite') })),
    })
  let relay: Relay | null = await start(0)
  const port = relay.port
  const handle: RelayOnPort = {
    relay,
    url: relay.url,
    async restart() {
      await handle.stop()
      relay = handle.relay = await start(port)
    },
    async stop() {
      const r = relay
      relay = null
      await r?.close()
    },
  }
  return handle
}

export { serverText } from '../../helpers/client.ts'
