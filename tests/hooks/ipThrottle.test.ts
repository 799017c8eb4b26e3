// The ipThrottle extension against a real relay on port 0, with an injected clock: past the
// limit an address is refused (4529 on sockets, 429 on REST) until the ban ends; allowed
// addresses are never throttled.
import { CloseCode, TandemMessageType as T } from '@tandem/protocol'
import { createLogger, ipThrottle, type Relay, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { stockOutcome, tandemSocket } from '../auth/authRig.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

let relay: Relay | undefined
let dir: string | undefined

afterEach(async () => {
  await relay?.close()
  if (dir) await removeDir(dir)
})

const start = async (allow: string[] = []) => {
  dir = await makeTempDir('throttle')
  let t = 1_000_000
  relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    extensions: [ipThrottle({ maxAttempts: 3, windowMs: 1_000, banMs: 10_000, allow, now: () => t })],
  })
  const advance = (ms: number) => {
    t += ms
  }
  return { relay, advance }
}

it('bans an address past the limit on every path, until the ban ends', async () => {
  const { relay, advance } = await start()
  const http = relay.url.replace(/^ws:/, 'http:')
  for (let i = 0; i < 3; i++) expect(await stockOutcome(`${relay.url}/doc`, 200)).toBe('open')
  expect(await stockOutcome(`${relay.url}/doc`)).toBe(CloseCode.RateLimited)
  expect((await fetch(`${http}/v1/docs/doc`)).status).toBe(429)
  const s = await tandemSocket(relay)
  await s.hello('')
  expect(await s.closed).toBe(CloseCode.RateLimited)
  // Still banned after the window, until the ban is over.
  advance(5_000)
  expect(await stockOutcome(`${relay.url}/doc`)).toBe(CloseCode.RateLimited)
  advance(6_000)
  expect(await stockOutcome(`${relay.url}/doc`, 200)).toBe('open')
  const ok = await tandemSocket(relay)
  await ok.hello('')
  await ok.welcomed()
  expect(ok.got.some((m) => m.type === T.Welcome)).toBe(true)
  ok.ws.terminate()
  // Health checks carry no credentials and are never counted.
  expect((await fetch(`${http}/healthz`)).status).toBe(200)
})

it('never throttles an allowed address', async () => {
  const { relay } = await start(['127.0.0.1', '::ffff:127.0.0.1'])
  for (let i = 0; i < 6; i++) expect(await stockOutcome(`${relay.url}/doc`, 100)).toBe('open')
})
