// The packages as a user gets them: `npm pack` every package, install the tarballs into a fresh
// app outside the workspace, then use them from there only: Node ESM imports (the editor and
// React bindings included, as server-side rendering does), a strict TypeScript app against the
// shipped types, one copy of Yjs, and the packed relay binary serving the Node example and a
// stock y-websocket client.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { launchChromium } from '../browser/support/chromium.ts'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { copyInto, makeConsumer, PACKAGES, type PackedFile, packAll, run } from './packRig.ts'

let work: string
let app: string
let packed: PackedFile[]
let server: ServerProcess

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tandem-pack-'))
  packed = packAll(work)
  app = makeConsumer(work)
  // the binary the package declares, through npm's bin link, as `npx tandem-server` runs it
  process.env.TANDEM_TEST_SERVER_CLI = join(app, 'node_modules/@tandem/server/bin/tandem-server.mjs')
  server = await spawnServer({ dataDir: mkdtempSync(join(tmpdir(), 'tandem-pack-data-')) })
  delete process.env.TANDEM_TEST_SERVER_CLI
}, 600_000)

afterAll(async () => {
  await killAllServers()
  if (app) await removeDir(app)
  if (work) await removeDir(work)
})

describe('the packed packages', () => {
  it('ship dist/ only: no sources, no tsconfig, a license and types for every entry', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => `@tandem/${p}`).sort())
    for (const p of packed) {
      const paths = p.files.map((f) => f.path)
      expect(
        paths.filter((f) => f.startsWith('src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
        p.name,
      ).toEqual([])
      expect(paths, p.name).toContain('LICENSE')
      expect(paths, p.name).toContain('README.md')
      expect(paths, p.name).toContain('dist/index.js')
      expect(paths, p.name).toContain('dist/index.d.ts')
      const pkg = JSON.parse(readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8'))
      expect(pkg.exports['.'], p.name).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' })
      expect(pkg.license).toBe('MIT')
    }
  })

  it('import from Node ESM, the editor and React bindings too (no DOM at import)', () => {
    const names = PACKAGES.map((p) => `@tandem/${p}`)
    const script = `for (const n of ${JSON.stringify(names)}) { const m = await import(n); if (!Object.keys(m).length) throw new Error(n + ' exports nothing') }; console.log('ok')`
    expect(run(process.execPath, ['--input-type=module', '-e', script], app).trim()).toBe('ok')
  })

  it('typecheck a strict TypeScript app with the shipped declarations (skipLibCheck off)', () => {
    copyInto(app, 'tests/pack/consumer', 'consumer')
    const tsc = join(app, 'node_modules/typescript/bin/tsc')
    const r = spawnSync(process.execPath, [tsc, '-p', 'consumer/tsconfig.json'], { cwd: app, encoding: 'utf8' })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('hold one copy of Yjs', () => {
    const tree = JSON.parse(run('npm', ['ls', 'yjs', '--all', '--json'], app))
    const copies = new Set<string>()
    const walk = (node: { dependencies?: Record<string, { version?: string; path?: string }> }) => {
      for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
        if (name === 'yjs' && dep.version) copies.add(dep.version)
        walk(dep as typeof node)
      }
    }
    walk(tree)
    expect([...copies]).toEqual([readJson(join(app, 'node_modules/yjs/package.json')).version])
    const nested = readdirSync(join(app, 'node_modules'), { recursive: true, encoding: 'utf8' }).filter((p) =>
      p.endsWith('node_modules/yjs/package.json'),
    )
    expect(nested).toEqual([])
  })

  it('run the acceptance suites of @tandem/testing with Vitest against the packed SQLite adapters', () => {
    // What an adapter author outside the repository does: the suites from the package, the
    // implementation from its own code (here the packed relay's, as a stand-in).
    const suite = `import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { SqliteRecordStorage, SqliteDocStorage } from '@tandem/server'
import { describeRecordStorage, describeDocStorage } from '@tandem/testing'
const harness = (open) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-adapter-'))
  const file = join(dir, 'db.sqlite')
  return { open: async () => open(file), destroy: async () => rmSync(dir, { recursive: true, force: true }) }
}
describeDocStorage('SqliteDocStorage (packed)', harness((file) => new SqliteDocStorage({ file })))
describeRecordStorage('SqliteRecordStorage (packed)', harness((file) => new SqliteRecordStorage({ file })))
`
    writeFileSync(join(app, 'adapter.test.mjs'), suite)
    const vitest = join(app, 'node_modules/vitest/vitest.mjs')
    const r = spawnSync(process.execPath, [vitest, 'run', '--root', app, 'adapter.test.mjs'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Tests\s+22 passed \(22\)/)
  })

  it('ship the shared engine: @tandem/client/shared-worker for bundlers, one self-contained module to serve', async () => {
    const client = packed.find((p) => p.name === '@tandem/client')!.files.map((f) => f.path)
    expect(client).toContain('dist/engine/sharedWorker.js')
    expect(client).toContain('dist/engine/sharedWorker.d.ts')
    expect(client).toContain('dist/tandem-shared-worker.js')
    // The bundle runs where a SharedWorker would: its onconnect gets a port, and three "tabs"
    // (Tandem clients of the packed @tandem/client) sync through the one socket it opens.
    const script = `import { WebSocket } from 'ws'
import { createTandem } from '@tandem/client'
globalThis.WebSocket = WebSocket
await import(new URL(import.meta.resolve('@tandem/client/shared-worker.bundle.js')).href)
const tabs = [0, 1, 2].map(() => createTandem({ url: process.argv[2], storage: 'memory', crossTab: false, sharedWorker: () => {
  const { port1, port2 } = new MessageChannel()
  globalThis.onconnect({ ports: [port2] })
  return { port: port1 }
} }))
tabs.forEach((t, i) => t.doc('packed-engine').doc.getText('t').insert(0, String(i)))
await Promise.all(tabs.map((t) => t.doc('packed-engine').whenSaved()))
const deadline = Date.now() + 10000
while (tabs.some((t) => t.doc('packed-engine').doc.getText('t').length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
const metrics = await (await fetch(process.argv[2].replace(/^ws/, 'http') + '/metrics')).text()
console.log(JSON.stringify({ texts: tabs.map((t) => t.doc('packed-engine').doc.getText('t').toString().length), connections: /^tandem_connections (\\d+)$/m.exec(metrics)?.[1] }))
tabs.forEach((t) => t.destroy())
process.exit(0)
`
    writeFileSync(join(app, 'engine.mjs'), script)
    const before = await connectionsOf(server.url)
    const out = JSON.parse(run(process.execPath, ['engine.mjs', server.url], app, 60_000).trim()) as {
      texts: number[]
      connections: string
    }
    expect(out.texts).toEqual([3, 3, 3])
    expect(Number(out.connections)).toBe(before + 1)
  })

  it('run the relay binary without tsx: --version, --help', () => {
    const bin = join(app, 'node_modules/.bin/tandem-server')
    expect(run(bin, ['--version'], app).trim()).toBe('0.1.0')
    expect(run(bin, ['--help'], app)).toMatch(/TANDEM_STATIC/)
    expect(readdirSync(join(app, 'node_modules'))).not.toContain('tsx')
  })

  it('sync the Node example and a stock y-websocket client through the packed relay', async () => {
    const example = copyInto(app, 'examples/node-script', 'node-script')
    const out = run(process.execPath, [join(example, 'edit.mjs'), server.url], app, 60_000)
    const result = JSON.parse(out) as { text: string; task: { done: boolean } }
    expect(result.task.done).toBe(true)

    const doc = new Y.Doc()
    const provider = new WebsocketProvider(server.url, 'examples-notes', doc, {
      disableBc: true,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    })
    try {
      await waitUntil('the stock client has the example text', () => doc.getText('body').toString() === result.text)
      doc.getText('body').insert(0, 'stock: ')
      // A Tandem client in the app waits (bounded) until the stock client's edit reached it.
      const check = `import { createTandem } from '@tandem/client'
import WebSocket from 'ws'
const want = ${JSON.stringify(`stock: ${result.text}`)}
const t = createTandem({ url: ${JSON.stringify(server.url)}, WebSocket, storage: 'memory' })
const text = t.doc('examples-notes').doc.getText('body')
const timer = setTimeout(() => { console.log(text.toString()); process.exit(1) }, 15000)
const done = () => { if (text.toString() !== want) return; clearTimeout(timer); console.log(want); t.destroy() }
text.observe(done)
done()`
      writeFileSync(join(app, 'check.mjs'), check)
      expect(run(process.execPath, ['check.mjs'], app, 30_000).trim()).toBe(`stock: ${result.text}`)
    } finally {
      provider.destroy()
      doc.destroy()
    }
  })
})

/** Runs an embedding example from the packed packages: its own route, REST and stock clients on one port. */
function embeddingCase(framework: 'express' | 'fastify') {
  return async () => {
    const example = copyInto(app, `examples/embed-${framework}`, `embed-${framework}`)
    const data = mkdtempSync(join(tmpdir(), `tandem-${framework}-data-`))
    const child = spawn(process.execPath, [join(example, 'server.mjs')], {
      cwd: app,
      env: { ...process.env, PORT: '0', DATA_DIR: data },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const clients: WebsocketProvider[] = []
    try {
      let out = ''
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => {
        out += chunk
      })
      await waitUntil(`the ${framework} example listens`, () => out.includes('\n'), { timeoutMs: 30_000 })
      const { http, ws } = JSON.parse(out.split('\n')[0] as string) as { http: string; ws: string }
      expect(await (await fetch(`${http}/hello`)).json()).toEqual({ hello: `from ${framework}` })
      expect((await fetch(`${http}/healthz`)).status).toBe(200)
      const name = `${framework}-notes`
      const docs = [new Y.Doc(), new Y.Doc()]
      for (const doc of docs) {
        clients.push(
          new WebsocketProvider(ws, name, doc, {
            disableBc: true,
            WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          }),
        )
      }
      const [a, b] = docs as [Y.Doc, Y.Doc]
      a.getText('body').insert(0, `through ${framework}`)
      await waitUntil('b sees the edit', () => b.getText('body').toString() === `through ${framework}`)
      // The app's own route edits the document on the server; clients get it once committed.
      expect((await fetch(`${http}/notes/${name}/stamp`, { method: 'POST' })).status).toBe(200)
      await waitUntil('a sees the server edit', () => a.getText('body').toString().startsWith('stamped '))
      await waitUntil('b sees the server edit', () => b.getText('body').toString().startsWith('stamped '))
      // The relay's REST API reads the raw body through the app: a binary update posted to it lands.
      const extra = new Y.Doc()
      extra.getText('body').insert(0, 'posted ')
      const post = await fetch(`${http}/v1/docs/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(Y.encodeStateAsUpdate(extra)),
      })
      expect(post.status).toBe(200)
      await waitUntil('b sees the REST edit', () => b.getText('body').toString().includes('posted '))
    } finally {
      for (const c of clients) c.destroy()
      child.kill('SIGTERM')
      await exited
      await removeDir(data)
    }
  }
}

describe('the relay embedded in an app (examples/embed-express, examples/embed-fastify)', () => {
  it(
    'Express: serves the app routes and syncs stock clients on one port, server edits included',
    embeddingCase('express'),
  )
  it(
    'Fastify: serves the app routes and syncs stock clients on one port, server edits included',
    embeddingCase('fastify'),
  )
})

describe('the examples, built with Vite from the packed packages', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
  })

  /** Builds an example, serves it from the packed relay, and types in one page of two. */
  async function twoPages(example: string, path: string, editor: string): Promise<[Page, Page]> {
    const dir = copyInto(app, `examples/${example}`, example)
    run(join(app, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], dir, 120_000)
    const relay = await spawnServer({
      dataDir: mkdtempSync(join(tmpdir(), 'tandem-pack-data-')),
      extraArgs: ['--static', join(dir, 'dist')],
      env: {},
    })
    const origin = relay.url.replace(/^ws/, 'http')
    const pages: Page[] = []
    for (const name of ['ann', 'bob']) {
      const page = await browser.newPage()
      page.on('pageerror', (e) => process.stderr.write(`[${example} page error] ${e.message}\n`))
      await page.goto(`${origin}${path}${path.includes('?') ? '&' : '?'}name=${name}`)
      await page.locator(`${editor} .ProseMirror`).waitFor({ timeout: 15_000 })
      pages.push(page)
    }
    return pages as [Page, Page]
  }

  async function typeAndSee(pages: [Page, Page], editor: string, text: string) {
    const [a, b] = pages
    await a.locator(`${editor} .ProseMirror`).click()
    await a.keyboard.type(text)
    await b.waitForFunction(
      ([sel, t]) => document.querySelector(`${sel} .ProseMirror`)?.textContent?.includes(t!) ?? false,
      [editor, text],
      { timeout: 15_000, polling: 50 },
    )
    await a.waitForSelector('[data-tandem-status="saved"]', { timeout: 15_000 })
    for (const p of pages) await p.close()
  }

  it('the <tandem-editor> page edits and syncs between two pages', async () => {
    const pages = await twoPages('html-element', '/index.html', 'tandem-editor')
    await typeAndSee(pages, 'tandem-editor', 'typed in the element')
  })

  it('the React + Tiptap app passes its Playwright conflict suite (the fixtures of @tandem/testing/playwright)', () => {
    const dir = copyInto(app, 'examples/react-tiptap', 'react-tiptap-e2e')
    run(join(app, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], dir, 120_000)
    const report = join(dir, 'playwright-report.json')
    const r = spawnSync(join(app, 'node_modules/.bin/playwright'), ['test', '-c', 'playwright.config.ts'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, PW_JSON: report },
    })
    const stats = existsSync(report)
      ? (JSON.parse(readFileSync(report, 'utf8')) as { stats: { expected: number; unexpected: number } }).stats
      : null
    expect(stats, r.stdout + r.stderr).toMatchObject({ expected: 5, unexpected: 0 })
    // A Vite build plus five browser recipes: minutes on a loaded 2-core machine, not seconds.
  }, 360_000)

  it('the React + Tiptap app edits and syncs between two pages', async () => {
    const pages = await twoPages('react-tiptap', '/index.html', '[data-testid=editor]')
    await typeAndSee(pages, '[data-testid=editor]', 'typed in React')
  })
})

async function connectionsOf(url: string): Promise<number> {
  const text = await (await fetch(`${url.replace(/^ws/, 'http')}/metrics`)).text()
  const n = Number(/^tandem_connections (\d+)$/m.exec(text)?.[1])
  if (!Number.isInteger(n)) throw new Error(`no tandem_connections in the relay's metrics: ${text.slice(0, 200)}`)
  return n
}

function readJson(file: string): { version: string } {
  return JSON.parse(readFileSync(file, 'utf8'))
}
