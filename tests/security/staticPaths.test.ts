import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killAllServers, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { assertServing, get, rawHttp } from './securityRig.ts'

// The relay as `npm start` runs it: serving a static folder beside the documents.
let server: ServerProcess
let dataDir: string
let staticDir: string

beforeAll(async () => {
  dataDir = await makeTempDir('static-data')
  staticDir = await makeTempDir('static-files')
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(staticDir, 'app.js'), 'console.log(1)')
  server = await spawnServer({ dataDir, extraArgs: ['--static', staticDir] })
})

afterAll(async () => {
  killAllServers()
  await removeDir(dataDir)
  await removeDir(staticDir)
})

describe('static files and odd paths', () => {
  // Each of these once reached statSync with a NUL byte, which throws, and nothing caught it.
  it.each(['/index.html%00.js', '/x%00', '/%00', '/%01%02', '/a%7f', '/v1/docs/a%00b', '/dev/token%00'])(
    'answers %s with 400 and keeps serving',
    async (path) => {
      const answer = await rawHttp(server.port, get(path))
      expect(answer.status).toBe(400)
      await assertServing(server)
    },
  )

  it('refuses undecodable and traversing paths without harm', async () => {
    expect((await rawHttp(server.port, get('/%E0%A4%A'))).status).toBe(400)
    expect((await rawHttp(server.port, get('/../../etc/passwd'))).body).not.toMatch(/root:/)
    expect((await rawHttp(server.port, get('/%2e%2e/%2e%2e/etc/passwd'))).body).not.toMatch(/root:/)
    await assertServing(server)
  })

  it('sends the security headers with every file', async () => {
    for (const path of ['/', '/app.js', '/no/such/route']) {
      const { status, headers } = await rawHttp(server.port, get(path))
      expect(status).toBe(200)
      expect(headers['x-content-type-options']).toBe('nosniff')
      expect(headers['content-security-policy']).toMatch(/frame-ancestors 'self'/)
      expect(headers['content-security-policy']).toMatch(/script-src 'self'/)
      expect(headers['x-frame-options']).toBe('SAMEORIGIN')
      expect(headers['referrer-policy']).toBe('no-referrer')
    }
    const api = await rawHttp(server.port, get('/healthz'))
    expect(api.headers['x-content-type-options']).toBe('nosniff')
  })
})
