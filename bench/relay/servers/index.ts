// The four servers under test: how to start each one and which wire flavour it speaks.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, type Running, startPinned, stop } from '../proc.ts'

export type Flavour = 'yws' | 'hocus'

export interface ServerSpec {
  id: 'tandem' | 'ywebsocket' | 'hocuspocus' | 'raw'
  label: string
  flavour: Flavour
  /** false for the raw forwarder: nothing is stored, so cold load and per-document memory do not apply. */
  persists: boolean
  available: (root: string) => boolean
  args: (root: string, port: number, dir: string) => { args: string[]; env: Record<string, string> }
  ready: RegExp
}

export const SERVER_CORE = 1
export const GENERATOR_CORE = 0

export const servers: ServerSpec[] = [
  {
    id: 'tandem',
    label: 'Tandem',
    flavour: 'yws',
    persists: true,
    // The binary as users run it (compiled and bundled, no TypeScript loader); run.ts builds it
    // first, so a benchmark never runs a stale build.
    available: (root) => existsSync(join(root, 'server/dist/tandem-server.js')),
    args: (root, port, dir) => ({
      // The per-connection rate limits (default 1,000 messages/s, 1 MiB/s) are raised: the
      // cold-load writer pushes 100,000 updates through one socket, and the references have none.
      args: [join(root, 'server/bin/tandem-server.mjs'), '--port', String(port), '--data', dir],
      env: { TANDEM_MAX_MESSAGES_PER_SECOND: '1000000000', TANDEM_MAX_BYTES_PER_SECOND: '1000000000000' },
    }),
    ready: /listening on ws:\/\//,
  },
  {
    id: 'ywebsocket',
    label: '@y/websocket-server 0.1.1 (LevelDB)',
    flavour: 'yws',
    persists: true,
    available: (root) => existsSync(join(root, 'node_modules/@y/websocket-server/src/server.js')),
    args: (root, port, dir) => ({
      args: [join(root, 'node_modules/@y/websocket-server/src/server.js')],
      env: { HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: dir },
    }),
    ready: /running at/,
  },
  {
    id: 'hocuspocus',
    label: 'Hocuspocus 4.7 (SQLite)',
    flavour: 'hocus',
    persists: true,
    available: (root) => existsSync(join(root, 'node_modules/@hocuspocus/extension-sqlite')),
    args: (root, port, dir) => ({
      args: [join(root, 'bench/relay/servers/hocuspocus.mjs'), '--port', String(port), '--data', dir],
      env: {},
    }),
    ready: /hocuspocus listening/,
  },
  {
    id: 'raw',
    label: 'raw ws forwarder',
    flavour: 'yws',
    persists: false,
    available: () => true,
    args: (root, port) => ({
      args: [join(root, 'bench/relay/servers/forwarder.mjs'), '--port', String(port)],
      env: {},
    }),
    ready: /forwarder listening/,
  },
]

export interface Instance {
  spec: ServerSpec
  run: Running
  port: number
  dir: string
  /** ms from spawn to the ready line */
  startMs: number
  url: (doc: string) => string
}

/** Starts `spec` pinned to the server core with its data in `dir` (kept across restarts). */
export async function launch(spec: ServerSpec, root: string, dir: string): Promise<Instance> {
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const { args, env } = spec.args(root, port, dir)
  const t0 = performance.now()
  const run = await startPinned(args, { env, ready: spec.ready, core: SERVER_CORE, cwd: root })
  const startMs = performance.now() - t0
  const url = (doc: string) => `ws://127.0.0.1:${port}/${encodeURIComponent(doc)}`
  return { spec, run, port, dir, startMs, url }
}

export async function shutdown(inst: Instance): Promise<void> {
  await stop(inst.run)
}
