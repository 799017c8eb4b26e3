import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

const script = fileURLToPath(new URL('../../scripts/check-layers.mjs', import.meta.url))
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await removeDir(d)
})

async function tree(files: Record<string, string>): Promise<string> {
  const root = await makeTempDir('layers')
  dirs.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

const check = (root?: string, ...flags: string[]) =>
  spawnSync('node', root ? [script, root, ...flags] : [script, ...flags], { encoding: 'utf8' })

const pkgJson = (name: string, dependencies: Record<string, string> = {}, more: Record<string, unknown> = {}) =>
  JSON.stringify({ name, dependencies, ...more })
const serverPkg = pkgJson('@tandem/server', { '@tandem/protocol': '0.1.0' })

describe('layer check', () => {
  it('passes on this repository', () => {
    expect(check().status).toBe(0)
  })

  it('fails when the server imports client code', async () => {
    const root = await tree({ 'server/src/a.ts': "import { createTandem } from '@tandem/client'\n" })
    const r = check(root)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("server/src/a.ts: imports '@tandem/client'")
  })

  it('fails when protocol uses Node APIs or reaches into another package', async () => {
    const root = await tree({
      'packages/protocol/src/a.ts':
        "import { readFileSync } from 'node:fs'\nexport * from '../../../server/src/x.ts'\n",
    })
    const r = check(root)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('must not use Node APIs')
    expect(r.stderr).toContain('which packages/protocol may not import')
  })

  it('allows imports that point down', async () => {
    const root = await tree({
      'server/package.json': serverPkg,
      'server/src/a.ts': "import { decodeMessage } from '@tandem/protocol'\nimport { x } from './b.ts'\n",
      'server/src/b.ts': "import { readFileSync } from 'node:fs'\nimport { join } from 'path'\nexport const x = 1\n",
      'packages/client/package.json': pkgJson('@tandem/client', {}, { peerDependencies: { '@tandem/records': '*' } }),
      'packages/client/src/a.ts': "import { merge } from '@tandem/records'\n",
    })
    const r = check(root)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('fails when a package imports what its package.json does not declare', async () => {
    const root = await tree({
      'server/package.json': serverPkg,
      'server/src/a.ts': "import type { Redis } from 'ioredis'\nimport { decodeMessage } from '@tandem/protocol'\n",
      'server/src/b.ts': "export { merge } from '@tandem/records'\n",
    })
    const r = check(root)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(
      "server/src/a.ts: imports 'ioredis', but server/package.json does not declare 'ioredis' " +
        '(dependencies, peerDependencies or optionalDependencies)',
    )
    expect(r.stderr).toContain("server/src/b.ts: imports '@tandem/records', but server/package.json does not declare")
    expect(r.stderr).not.toContain("'@tandem/protocol', but")
  })

  it('fails on an import cycle between the files of a package', async () => {
    const root = await tree({
      'server/package.json': serverPkg,
      'server/src/a.ts': "import { b } from './sub/b.ts'\nexport const a = 1\n",
      'server/src/sub/b.ts': "import { c } from '../c'\nexport const b = 1\n",
      'server/src/c.ts': "import type { a } from './a.js'\nexport const c = 1\n",
      'server/src/d.ts': "import { a } from './a.ts'\n",
    })
    const r = check(root)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('server: import cycle: a.ts -> sub/b.ts -> c.ts -> a.ts')
    expect(r.stderr).not.toContain('d.ts')
  })

  it('enforces the server folder order when it is switched on', async () => {
    const root = await tree({
      'server/package.json': serverPkg,
      'server/src/index.ts': "export * from './main/startRelay.ts'\n",
      'server/src/main/startRelay.ts': "import { Room } from '../docs/Room.ts'\n",
      'server/src/docs/Room.ts': "import { log } from '../ops/Logger.ts'\nexport class Room {}\n",
      'server/src/ops/Logger.ts': "import { Room } from '../docs/Room.ts'\nexport const log = 1\n",
      'server/src/stray.ts': 'export const stray = 1\n',
      'server/src/misc/x.ts': 'export const x = 1\n',
    })
    // Off by default until server/src has its folders.
    expect(check(root).stderr).not.toContain('folder')
    const r = check(root, '--server-folders')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('server/src/ops/Logger.ts: imports docs/Room.ts, an arrow back up the folder order')
    expect(r.stderr).toContain('server/src/stray.ts: sits outside the folders')
    expect(r.stderr).toContain("server/src/misc/x.ts: folder 'misc' is not in the server folder order")
    expect(r.stderr).not.toContain('startRelay.ts: imports')
    expect(r.stderr).not.toContain('docs/Room.ts: imports')
    expect(r.stderr).not.toContain('index.ts:')
  })

  it('passes a server laid out in folders that point down', async () => {
    const root = await tree({
      'server/package.json': serverPkg,
      'server/src/index.ts': "export * from './main/startRelay.ts'\n",
      'server/src/main/startRelay.ts': "import { Room } from '../docs/Room.ts'\nimport { h } from './helper.ts'\n",
      'server/src/main/helper.ts': 'export const h = 1\n',
      'server/src/docs/Room.ts': "import { log } from '../ops/Logger.ts'\nexport class Room {}\n",
      'server/src/ops/Logger.ts': 'export const log = 1\n',
    })
    const r = check(root, '--server-folders')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
