import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

describe('the process safety net', () => {
  it('counts what slipped past every handler, and the process lives on to report it', () => {
    const child = fileURLToPath(new URL('./fixtures/safetyNetChild.ts', import.meta.url))
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 20_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout.trim()).toBe('uncaught=2')
    expect(r.status).toBe(0)
  })
})
