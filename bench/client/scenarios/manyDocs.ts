// (c) One Node client opening many documents: one @tandem/client socket vs one stock
// y-websocket provider per document (disableBc), against the same relay and the same seeded
// documents. Each side runs in its own child process so its memory is measured alone.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createTandem } from '@tandem/client'
import type { Relay } from '@tandem/server'
import { WebSocket } from 'ws'
import type { ClientBenchConfig } from '../config.ts'
import { bounded } from '../stats.ts'

export interface ManyDocsSide {
  sockets: number
  relayConnections: number
  syncMs: number
  heapMB: number
  rssMB: number
}

export type ManyDocsResult = Record<'tandem' | 'yWebsocket', ManyDocsSide>

/** Seeds `docs` documents with `chars` characters of trace text each, through the relay. */
async function seed(relay: Relay, cfg: ClientBenchConfig, text: string): Promise<void> {
  const tandem = createTandem({
    url: relay.url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    storage: 'memory',
    crossTab: false,
  })
  try {
    const handles = Array.from({ length: cfg.docs }, (_, i) => {
      const h = tandem.doc(`many-${i}`)
      const start = (i * cfg.docChars) % (text.length - cfg.docChars)
      h.doc.getText('t').insert(0, text.slice(start, start + cfg.docChars))
      return h
    })
    await bounded('seeding', Promise.all(handles.map((h) => h.whenSaved())), 60_000)
  } finally {
    tandem.destroy()
  }
}

function runSide(kind: string, relay: Relay, cfg: ClientBenchConfig): Promise<ManyDocsSide> {
  const script = join(import.meta.dirname, '../node/manyDocsClient.ts')
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    script,
    '--kind',
    kind,
    '--url',
    relay.url,
    '--docs',
    String(cfg.docs),
    '--chars',
    String(cfg.docChars),
  ]
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString()
  })
  const result = new Promise<ManyDocsSide>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const line = out.split('\n')[0]
      if (!out.includes('\n') || !line) return
      const r = JSON.parse(line) as Omit<ManyDocsSide, 'relayConnections'> & { complete: boolean }
      if (!r.complete) reject(new Error(`${kind}: some documents synced without their text`))
      // The child holds its sockets until stdin closes: count them on the relay now.
      resolve({
        sockets: r.sockets,
        relayConnections: relay.stats().connections,
        syncMs: r.syncMs,
        heapMB: r.heapMB,
        rssMB: r.rssMB,
      })
      child.stdin.end()
    })
    child.once('exit', (code) => reject(new Error(`${kind} client exited (${code}): ${err.slice(-500)}`)))
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return bounded(`${kind} client`, result, 120_000).finally(async () => {
    if (child.exitCode === null) {
      await bounded(`${kind} client exit`, exited, 10_000).catch(() => child.kill('SIGKILL'))
    }
  })
}

export async function runManyDocs(relay: Relay, cfg: ClientBenchConfig, text: string): Promise<ManyDocsResult> {
  await seed(relay, cfg, text)
  const tandem = await runSide('tandem', relay, cfg)
  const deadline = Date.now() + 10_000
  while (relay.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  const yWebsocket = await runSide('y-websocket', relay, cfg)
  return { tandem, yWebsocket }
}
