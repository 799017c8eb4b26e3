#!/usr/bin/env node
// Enforces the layer rule of ARCHITECTURE.md: imports point down only.
//   protocol <- records <- client <- editor/react;  protocol/records <- server.
// A layer may import itself, anything it lists below, and npm packages that are not ours.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'))
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
}
const byPkg = new Map(Object.entries(layers).map(([dir, l]) => [l.pkg, dir]))

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
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) yield path
  }
}

function layerOf(absPath) {
  const rel = relative(root, absPath).split(sep).join('/')
  return Object.keys(layers).find((dir) => rel === dir || rel.startsWith(`${dir}/`))
}

const importRe =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g
const problems = []
for (const [dir, layer] of Object.entries(layers)) {
  for (const file of files(join(root, dir, 'src'))) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3]
      let target
      if (spec.startsWith('.')) target = layerOf(resolve(file, '..', spec))
      else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        target = byPkg.get(pkg)
        if (!target && layer.noNode && (spec.startsWith('node:') || spec === 'ws' || spec === 'better-sqlite3')) {
          problems.push(`${relative(root, file)}: imports '${spec}', but ${dir} must not use Node APIs`)
        }
      }
      if (target && target !== dir && !layer.may.includes(target)) {
        problems.push(`${relative(root, file)}: imports '${spec}' (${target}), which ${dir} may not import`)
      }
      if (!target && spec.startsWith('.')) {
        problems.push(`${relative(root, file)}: imports '${spec}' outside any package`)
      }
    }
  }
}
if (problems.length) {
  console.error(`Layer check failed:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('Layer check passed.')
