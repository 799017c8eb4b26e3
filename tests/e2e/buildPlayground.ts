import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../helpers/serverProcess.ts'

/** Where this run's build is; set by the global setup below and inherited by test workers. */
export const playgroundDist = process.env.TANDEM_E2E_PLAYGROUND ?? join(repoRoot, 'playground', 'dist')

/**
 * Builds the playground once per test run (Vitest global setup), exactly as `npm start`
 * does, into a folder of this run's own, so runs side by side cannot empty each other's.
 */
export default function setup(): () => void {
  const out = mkdtempSync(join(tmpdir(), 'tandem-playground-'))
  const r = spawnSync('npm', ['run', 'build', '-w', 'playground', '--', '--outDir', out], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) throw new Error(`playground build failed:\n${r.stdout}\n${r.stderr}`)
  process.env.TANDEM_E2E_PLAYGROUND = out
  return () => rmSync(out, { recursive: true, force: true })
}
