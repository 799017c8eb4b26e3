#!/usr/bin/env node
// `npm run build`: compiles every publishable package to ESM + .d.ts + source maps in its dist/.
// One `tsc -b` over the project references builds them in dependency order and skips those
// that are up to date, so running it before every test run costs little.
import { spawnSync } from 'node:child_process'
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as esbuild from 'esbuild'

const root = resolve(import.meta.dirname, '..')
export const packageDirs = [
  'packages/protocol',
  'packages/records',
  'packages/client',
  'packages/editor',
  'packages/react',
  'server',
  'packages/testing',
]

if (process.argv.includes('--clean')) {
  for (const dir of packageDirs) rmSync(join(root, dir, 'dist'), { recursive: true, force: true })
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const projects = packageDirs.map((dir) => join(dir, 'tsconfig.build.json'))
const r = spawnSync(process.execPath, [tsc, '-b', ...projects], { cwd: root, stdio: 'inherit' })
if (r.status !== 0) process.exit(r.status ?? 1)
// npm packs the LICENSE of the package's own folder; there is one, at the root.
for (const dir of packageDirs) copyFileSync(join(root, 'LICENSE'), join(root, dir, 'LICENSE'))
// Plain JS that tsc does not copy: the compaction worker is started by file URL.
copyFileSync(
  join(root, 'server/src/docs/compaction/compactWorker.mjs'),
  join(root, 'server/dist/docs/compaction/compactWorker.mjs'),
)

// The `tandem-server` binary is one bundled file: resolving and loading the few hundred modules
// of dist/ and its dependencies one by one cost ~40% of its start-up. Native and optional
// drivers stay external (better-sqlite3's addon; pg and ioredis load only when configured).
// The library entry (dist/index.js) stays unbundled, so an embedding app shares one Yjs.
await esbuild.build({
  entryPoints: [join(root, 'server/dist/main/cli.js')],
  outfile: join(root, 'server/dist/tandem-server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg', 'ioredis', 'pino', 'pino-*', 'thread-stream'],
  // Bundled CommonJS dependencies call require(); ESM has none of its own.
  banner: {
    js: "import { createRequire as __tandemRequire } from 'node:module';\nconst require = __tandemRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
// The compaction worker is started by URL next to the module that starts it: the bundle too.
copyFileSync(join(root, 'server/src/docs/compaction/compactWorker.mjs'), join(root, 'server/dist/compactWorker.mjs'))

// The shared engine as one self-contained module, for apps that serve it as a static file
// rather than letting their bundler build `@tandem/client/shared-worker`.
await esbuild.build({
  entryPoints: [join(root, 'packages/client/dist/engine/sharedWorker.js')],
  outfile: join(root, 'packages/client/dist/tandem-shared-worker.js'),
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
})

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits but not in declarations; a
// consumer's compiler (and are-the-types-wrong) expects declarations to name the .js files.
const relativeTs = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g
for (const dir of packageDirs) {
  const dist = join(root, dir, 'dist')
  for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.d.ts')) continue
    const file = join(dist, entry)
    const text = readFileSync(file, 'utf8')
    const fixed = text.replace(relativeTs, '$1$2$3.js$2')
    if (fixed !== text) writeFileSync(file, fixed)
  }
}
