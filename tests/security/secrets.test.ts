import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, RelayConfigError, startRelay } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

// An HS256 key of a few bytes is brute-forced from any token it signed: every source of a
// secret (env, file, option) must give at least 32 bytes, or the relay does not start.
const cli = process.env.TANDEM_TEST_SERVER_CLI ?? join(repoRoot, 'server/bin/tandem-server-dev.mjs')
let dir: string

beforeAll(async () => {
  dir = await makeTempDir('secrets')
})
afterAll(() => removeDir(dir))

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, '--port', '0', '--data', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TANDEM_SECRET: '', ...env },
    timeout: 20_000,
  })
}

describe('secrets', () => {
  it.each([
    ['x', 1],
    ['0123456789abcdef0123456789abcde', 31],
    ['ééééééééééééééé', 30],
  ])('TANDEM_SECRET=%s (%i bytes) stops the start with a clear message and exit code 2', (secret, size) => {
    const r = run([], { TANDEM_SECRET: secret })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`TANDEM_SECRET is ${size} bytes; it must be at least 32`)
  })

  it('refuses a short --secret-file and a short secret for the token command', () => {
    const file = join(dir, 'short')
    writeFileSync(file, 'sixteen-chars-ok\n')
    const served = run(['--secret-file', file])
    expect(served.status).toBe(2)
    expect(served.stderr).toMatch(/is 16 bytes; it must be at least 32/)
    const token = spawnSync(process.execPath, [cli, 'token', '--sub', 'a'], {
      encoding: 'utf8',
      env: { ...process.env, TANDEM_SECRET: 'short' },
      timeout: 20_000,
    })
    expect(token.status).toBe(2)
    expect(token.stderr).toMatch(/at least 32/)
  })

  it('refuses a short secret given to startRelay, as bytes or as text', async () => {
    for (const secret of ['x', new Uint8Array(31)]) {
      await expect(
        startRelay({ port: 0, dataDir: dir, logger: createLogger('silent'), auth: { secret } }),
      ).rejects.toThrow(RelayConfigError)
    }
    const relay = await startRelay({
      port: 0,
      dataDir: dir,
      logger: createLogger('silent'),
      auth: { secret: new Uint8Array(32).fill(7) },
    })
    await relay.close()
  })
})
