import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, RelayConfigError, startRelay } from '@tandem/server'
import { afterAll, describe, expect, it } from 'vitest'
import { killAllServers, repoRoot, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { restText } from './authRig.ts'

const cli = join(repoRoot, 'server/bin/tandem-server-dev.mjs')
afterAll(killAllServers)

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
  })
}

describe('starting the server safely', () => {
  it('refuses a non-loopback host without a secret, with a clear message and exit code 2', () => {
    const r = run(['--host', '0.0.0.0', '--port', '0', '--data', '/tmp/never-used'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a secret/)
  })

  it('says at start that anyone local may connect when there is no secret', async () => {
    const dir = await makeTempDir('startup')
    const lines: string[] = []
    const relay = await startRelay({
      port: 0,
      dataDir: dir,
      logger: { ...createLogger('silent'), warn: (m) => lines.push(m) },
    })
    await relay.close()
    await removeDir(dir)
    expect(lines.some((l) => l.includes('anyone on this machine may connect'))).toBe(true)
    await expect(
      startRelay({ host: '0.0.0.0', port: 0, dataDir: dir, devTokens: true, auth: { secret: 'x'.repeat(32) } }),
    ).rejects.toThrow(RelayConfigError)
  })

  it('signs tokens with the CLI that the server accepts; bad flags are usage errors', async () => {
    const dir = await makeTempDir('token-cli')
    const secretFile = join(dir, 'secret')
    writeFileSync(secretFile, 'a-long-enough-secret-for-tests-0123456789\n')
    const server = await spawnServer({ dataDir: dir, extraArgs: ['--secret-file', secretFile] })
    const sign = (args: string[]) => run(['token', '--secret-file', secretFile, ...args])
    const ok = sign(['--sub', 'alice', '--docs', 'team/*', '--scope', 'write', '--ttl', '10m'])
    expect(ok.status).toBe(0)
    const token = ok.stdout.trim()
    const http = server.url.replace(/^ws:/, 'http:')
    const post = await fetch(`${http}/v1/docs/team%2Fa`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array([0, 0]),
    })
    expect(post.status).toBe(200)
    const other = await fetch(`${http}/v1/docs/private`, { headers: { authorization: `Bearer ${token}` } })
    expect(other.status).toBe(403)
    expect(sign(['--docs', 'x']).stderr).toMatch(/token needs --sub/)
    expect(sign(['--sub', 'a', '--ttl', 'soon']).status).toBe(2)
    expect(run(['token', '--sub', 'a'], { TANDEM_SECRET: '' }).stderr).toMatch(/needs a secret/)
    await server.terminate()
    await removeDir(dir)
  })

  it('serves demo tokens only with --dev', async () => {
    const dir = await makeTempDir('dev-tokens')
    const plain = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent') })
    expect((await fetch(`${plain.url.replace('ws:', 'http:')}/dev/token`)).status).toBe(404)
    await plain.close()
    const dev = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent'), devTokens: true })
    const http = dev.url.replace('ws:', 'http:')
    const res = await fetch(`${http}/dev/token?sub=bob&docs=demo/*&scope=read`)
    const body = (await res.json()) as { token: string; scope: string }
    expect(body.scope).toBe('read')
    // The demo token is enforced: it opens demo/* read-only and nothing else.
    const rig = { http } as Parameters<typeof restText>[0]
    expect(await restText(rig, 'demo/x', body.token)).toBe('')
    const write = await fetch(`${http}/v1/docs/demo%2Fx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${body.token}` },
      body: new Uint8Array([0, 0]),
    })
    expect(write.status).toBe(403)
    expect(
      (await fetch(`${http}/v1/docs/private`, { headers: { authorization: `Bearer ${body.token}` } })).status,
    ).toBe(403)
    expect((await fetch(`${http}/v1/docs/private`)).status).toBe(401)
    await dev.close()
    await removeDir(dir)
  })
})
