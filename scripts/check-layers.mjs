#!/usr/bin/env node
// Enforces the layer rules of ARCHITECTURE.md on every package's src/:
//   1. Imports point down only: protocol <- records <- client <- editor/react; protocol/records <- server;
//      testing (acceptance suites for adapters) sits on top and may import the layers it tests.
//      A layer may import itself, anything it lists below, and npm packages that are not ours.
//   2. Every bare import (ours or third-party, type-only included) is declared in the package's own
//      package.json, so the published package installs what it needs. node: builtins are exempt.
//   3. No import cycles between the files of one package (Tarjan's strongly connected components).
//   4. Optionally, server/src is a stack of folders (SERVER_FOLDERS) with arrows pointing down.
// Usage: node scripts/check-layers.mjs [root] [--server-folders]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'

const args = process.argv.slice(2)
const root = resolve(args.find((a) => !a.startsWith('--')) ?? resolve(import.meta.dirname, '..'))

const layers = {
  'packages/protocol': { pkg: '@tandem/protocol', may: [], noNode: true },
  'packages/records': { pkg: '@tandem/records', may: ['packages/protocol'], noNode: true },
  'packages/client': { pkg: '@tandem/client', may: ['packages/protocol', 'packages/records'] },
  'packages/editor': { pkg: '@tandem/editor', may: ['packages/protocol', 'packages/records', 'packages/client'] },
  'packages/react': {
    pkg: '@tandem/react',
    may: ['packages/protocol', 'packages/records', 'packages/client'],
  },
  server: { pkg: '@tandem/server', may: ['packages/protocol', 'packages/records'] },
  'packages/testing': {
    pkg: '@tandem/testing',
    may: ['packages/protocol', 'packages/records', 'packages/client', 'server'],
  },
}
const byPkg = new Map(Object.entries(layers).map(([dir, l]) => [l.pkg, dir]))

// The folder order of server/src, lowest first: a file may import its own folder or one listed
// before it, and only index.ts may sit outside a folder (each folder's README says what it holds).
const SERVER_FOLDERS = [
  'ops',
  'auth',
  'hooks',
  'storage',
  'cluster',
  'docs',
  'records',
  'net',
  'http',
  'extensions',
  'main',
]
const ENFORCE_SERVER_FOLDERS = true
// A tree given on the command line (the checker's own tests plant small ones) is checked for
// the folder order only with --server-folders; this repository always is.
const plantedTree = args.some((a) => !a.startsWith('--'))
const serverFolders = args.includes('--server-folders') || (ENFORCE_SERVER_FOLDERS && !plantedTree)

const builtins = new Set(builtinModules)
const sourceExt = /\.(ts|tsx|mts|js|mjs)$/

function* files(dir) {
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (sourceExt.test(name)) yield path
  }
}

const posix = (path) => path.split(sep).join('/')
const show = (absPath) => posix(relative(root, absPath))

function layerOf(absPath) {
  const rel = show(absPath)
  return Object.keys(layers).find((dir) => rel === dir || rel.startsWith(`${dir}/`))
}

const isFile = (path) => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The file a relative specifier names, as Node/TypeScript would find it; null if none. */
function resolveRelative(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec)
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, join(base, 'index.ts')]
  // NodeNext style: `./x.js` in source means `./x.ts`.
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.(m?)js$/, '.$1ts'))
  return candidates.find(isFile) ?? null
}

function packageName(spec) {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
}

function declaredDeps(dir) {
  let json
  try {
    json = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
  } catch {
    return null
  }
  return new Set(
    ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(json[k] ?? {})),
  )
}

/** Strongly connected components with more than one file, or a file importing itself. */
function cycles(graph) {
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const found = []
  let next = 0
  const visit = (v) => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)))
    }
    if (low.get(v) !== index.get(v)) return
    const scc = []
    let w
    do {
      w = stack.pop()
      onStack.delete(w)
      scc.push(w)
    } while (w !== v)
    if (scc.length > 1 || graph.get(v)?.has(v)) found.push(scc)
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found.map((scc) => cyclePath(graph, new Set(scc)))
}

/** One concrete loop through a component, for the message: a -> b -> a. */
function cyclePath(graph, scc) {
  const start = [...scc].sort()[0]
  const path = [start]
  const seen = new Set([start])
  const walk = (v) => {
    for (const w of graph.get(v) ?? []) {
      if (w === start) return true
      if (!scc.has(w) || seen.has(w)) continue
      seen.add(w)
      path.push(w)
      if (walk(w)) return true
      path.pop()
    }
    return false
  }
  walk(start)
  return [...path, start]
}

const importRe =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g
const problems = []

for (const [dir, layer] of Object.entries(layers)) {
  const src = join(root, dir, 'src')
  const sources = [...files(src)]
  if (sources.length === 0) continue
  const declared = declaredDeps(dir)
  if (!declared) problems.push(`${dir}: has sources but no readable package.json`)
  const graph = new Map()
  for (const file of sources) {
    const edges = new Set()
    graph.set(file, edges)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3]
      let target
      if (spec.startsWith('.')) {
        target = layerOf(resolve(file, '..', spec))
        const resolved = resolveRelative(file, spec)
        if (resolved && target === dir) edges.add(resolved)
      } else {
        const pkg = packageName(spec)
        const builtin = spec.startsWith('node:') || builtins.has(pkg)
        target = byPkg.get(pkg)
        if (!target && layer.noNode && (builtin || spec === 'ws' || spec === 'better-sqlite3')) {
          problems.push(`${show(file)}: imports '${spec}', but ${dir} must not use Node APIs`)
        }
        if (!builtin && declared && !declared.has(pkg)) {
          problems.push(
            `${show(file)}: imports '${spec}', but ${dir}/package.json does not declare '${pkg}' ` +
              '(dependencies, peerDependencies or optionalDependencies)',
          )
        }
      }
      if (target && target !== dir && !layer.may.includes(target)) {
        problems.push(`${show(file)}: imports '${spec}' (${target}), which ${dir} may not import`)
      }
      if (!target && spec.startsWith('.')) {
        problems.push(`${show(file)}: imports '${spec}' outside any package`)
      }
    }
  }
  for (const loop of cycles(graph)) {
    problems.push(`${dir}: import cycle: ${loop.map((f) => posix(relative(src, f))).join(' -> ')}`)
  }
  if (dir === 'server' && serverFolders) checkServerFolders(src, graph)
}

function checkServerFolders(src, graph) {
  const folderOf = (file) => {
    const parts = posix(relative(src, file)).split('/')
    return parts.length > 1 ? parts[0] : null
  }
  // index.ts is the package's face: it may import every folder and no folder may import it.
  const rank = (file) => (folderOf(file) === null ? SERVER_FOLDERS.length : SERVER_FOLDERS.indexOf(folderOf(file)))
  for (const [file, edges] of graph) {
    const rel = posix(relative(src, file))
    const folder = folderOf(file)
    if (folder === null && rel !== 'index.ts') {
      problems.push(`server/src/${rel}: sits outside the folders (${SERVER_FOLDERS.join(', ')}); only index.ts may`)
      continue
    }
    if (folder !== null && !SERVER_FOLDERS.includes(folder)) {
      problems.push(`server/src/${rel}: folder '${folder}' is not in the server folder order`)
      continue
    }
    for (const target of edges) {
      if (rank(target) > rank(file)) {
        const to = posix(relative(src, target))
        problems.push(
          `server/src/${rel}: imports ${to}, an arrow back up the folder order (${SERVER_FOLDERS.join(' < ')})`,
        )
      }
    }
  }
}

if (problems.length) {
  console.error(`Layer check failed:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('Layer check passed.')
