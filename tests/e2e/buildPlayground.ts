import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../helpers/serverProcess.ts'

export const playgroundDist = join(repoRoot, 'playground', 'dist')

/**
 * Builds the playground once per test run (Vitest global setup), exactly as `npm start`
 * does, so the e2e suite tests what operators serve.
 */
export default function setup(): void {
  const r = spawnSync('npm', ['run', 'build', '-w', 'playground'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) throw new Error(`playground build failed:\n${r.stdout}\n${r.stderr}`)
}
