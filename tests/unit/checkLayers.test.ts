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

const check = (root?: string) => spawnSync('node', root ? [script, root] : [script], { encoding: 'utf8' })

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
      'server/src/a.ts': "import { decodeMessage } from '@tandem/protocol'\nimport { x } from './b.ts'\n",
      'packages/client/src/a.ts': "import { merge } from '@tandem/records'\n",
    })
    expect(check(root).status).toBe(0)
  })
})
