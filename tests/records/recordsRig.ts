import type { RecordCollection, Tandem } from '@tandem/client'
import { createLogger, type Relay, type RelayOptions, startRelay } from '@tandem/server'
import { tandemClient } from '../client/tandemClient.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/** A relay with records on a temp dir, clients on it, and one cleanup for all of them. */
export interface RecordsRig {
  relay: Relay
  http: string
  dataDir: string
  client(options?: Parameters<typeof tandemClient>[1]): Tandem
  /** Stops the relay (keeping its data) and starts it again on the same port and data. */
  restart(options?: RelayOptions): Promise<void>
  close(): Promise<void>
}

export async function startRecordsRig(options: RelayOptions = {}): Promise<RecordsRig> {
  const dataDir = await makeTempDir('records')
  const clients: Tandem[] = []
  const start = (port: number, extra: RelayOptions = {}) =>
    startRelay({ logger: createLogger('silent'), port, dataDir, purgeIntervalMs: 0, ...options, ...extra })
  const rig: RecordsRig = {
    relay: await start(0),
    http: '',
    dataDir,
    client(clientOptions) {
      const t = tandemClient(rig.relay.url, clientOptions)
      clients.push(t)
      return t
    },
    async restart(extra) {
      const port = rig.relay.port
      await rig.relay.close()
      rig.relay = await start(port, extra)
    },
    async close() {
      for (const t of clients.splice(0)) t.destroy()
      await rig.relay.close()
      await removeDir(dataDir)
    },
  }
  rig.http = rig.relay.url.replace(/^ws:/, 'http:')
  return rig
}

/** Waits until the collection pulled to the head and its outbox is empty. */
export async function settled(c: RecordCollection, what = c.name, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    `${what} to be synced with an empty outbox`,
    () => c.status.value.state === 'synced' && c.status.value.pending === 0,
    { timeoutMs },
  )
}

/** A REST call with an optional bearer token; returns status and parsed JSON body. */
export async function rest(
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  })
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { text }
  }
  return { status: res.status, body }
}
