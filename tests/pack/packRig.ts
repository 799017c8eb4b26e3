import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../helpers/serverProcess.ts'

/** The publishable packages, in dependency order. */
export const PACKAGES = ['protocol', 'records', 'client', 'editor', 'react', 'server', 'testing'] as const

const DIRS: Record<(typeof PACKAGES)[number], string> = {
  protocol: 'packages/protocol',
  records: 'packages/records',
  client: 'packages/client',
  editor: 'packages/editor',
  react: 'packages/react',
  server: 'server',
  testing: 'packages/testing',
}

export interface PackedFile {
  name: string
  filename: string
  files: { path: string }[]
}

export function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Builds and packs every package with `npm pack` into `dest`; returns npm's report. */
export function packAll(dest: string): PackedFile[] {
  run(process.execPath, ['scripts/build.mjs'], repoRoot)
  const ws = Object.values(DIRS).flatMap((d) => ['-w', d])
  return JSON.parse(run('npm', ['pack', ...ws, '--pack-destination', dest, '--json'], repoRoot)) as PackedFile[]
}

const repoVersion = (name: string) =>
  (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version

/**
 * A fresh app outside the repository that depends on the tarballs (and, for everything else,
 * on the registry, served from the local npm cache where it can be). Overrides make the
 * packages' dependencies on one another use the tarballs too, never a registry lookup.
 */
export function makeConsumer(tarballs: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-consumer-'))
  const ours = Object.fromEntries(
    PACKAGES.map((p) => [`@tandem/${p}`, `file:${join(tarballs, `tandem-${p}-0.1.0.tgz`)}`]),
  )
  const pinned = (names: string[]) => Object.fromEntries(names.map((n) => [n, repoVersion(n)]))
  const pkg = {
    name: 'tandem-consumer',
    private: true,
    type: 'module',
    dependencies: {
      ...ours,
      // the same versions as the workspace's, so the install needs nothing the cache lacks
      ...pinned(['yjs', 'y-protocols', 'y-websocket', 'ws', 'react', 'react-dom', 'express', 'fastify']),
      ...pinned([
        '@tiptap/core',
        '@tiptap/extension-collaboration',
        '@tiptap/extension-collaboration-caret',
        '@tiptap/pm',
        '@tiptap/starter-kit',
        '@tiptap/y-tiptap',
      ]),
    },
    devDependencies: pinned([
      'typescript',
      '@types/node',
      '@types/react',
      '@types/ws',
      'vite',
      'vitest',
      '@playwright/test',
    ]),
    overrides: ours,
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  // better-sqlite3's install script fetches a prebuilt binary from outside the registry or
  // compiles SQLite (minutes). The workspace already holds that very version built for this
  // Node, so the install skips scripts and the one native file is copied over.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir)
  const native = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
  const theirs = JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
    version: string
  }
  if (theirs.version !== repoVersion('better-sqlite3')) {
    throw new Error(`better-sqlite3 ${theirs.version} differs from the workspace's; cannot reuse its build`)
  }
  mkdirSync(join(dir, 'node_modules/better-sqlite3/build/Release'), { recursive: true })
  copyFileSync(join(repoRoot, native), join(dir, native))
  return dir
}

/** Copies a folder of the repository (an example, the strict consumer) into the app. */
export function copyInto(app: string, from: string, to: string): string {
  const target = join(app, to)
  cpSync(join(repoRoot, from), target, { recursive: true, filter: (src) => !src.includes('node_modules') })
  return target
}
