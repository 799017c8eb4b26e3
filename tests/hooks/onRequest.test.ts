// onRequest against a real relay on port 0: extra HTTP routes beside the built-in ones, which
// keep working; a refusal answers with its status, a throw with 500, and the relay serves on.
import { createLogger, HookRejection, type Relay, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

let relay: Relay | undefined
let dir: string | undefined

afterEach(async () => {
  await relay?.close()
  if (dir) await removeDir(dir)
})

it('serves extra routes, refuses or fails one request at a time, and leaves built-in routes alone', async () => {
  dir = await makeTempDir('on-request')
  relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    extensions: [
      {
        name: 'api',
        onRequest: (req, res) => {
          if (req.url === '/api/hello') {
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}')
            return true
          }
          if (req.url === '/api/private') throw new HookRejection('members only', { status: 401 })
          if (req.url === '/api/bug') throw new Error('handler bug')
          return false
        },
      },
    ],
  })
  const http = relay.url.replace(/^ws:/, 'http:')
  const hello = await fetch(`${http}/api/hello`)
  expect([hello.status, await hello.json()]).toEqual([200, { hello: 'world' }])
  const refused = await fetch(`${http}/api/private`)
  expect([refused.status, await refused.json()]).toEqual([401, { error: 'members only' }])
  const failed = await fetch(`${http}/api/bug`)
  expect([failed.status, await failed.json()]).toEqual([500, { error: 'internal error' }])
  expect((await fetch(`${http}/api/nothing`)).status).toBe(404)
  expect((await fetch(`${http}/healthz`)).status).toBe(200)
  expect((await fetch(`${http}/v1/docs/a`)).status).toBe(200)
  expect(relay.metrics.value('tandem_hook_failures_total', { hook: 'onRequest', reason: 'error' })).toBe(1)
})
