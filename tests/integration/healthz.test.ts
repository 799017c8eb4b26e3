import { afterAll, beforeAll, expect, it } from 'vitest'
import { openRaw } from '../helpers/rawSocket.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { healthz } from '../helpers/serverProcess.ts'

/** Load balancers and orchestrators probe /healthz on the same port as the WebSocket. */

let relay: TestRelay

beforeAll(async () => {
  relay = await startTestRelay()
})

afterAll(async () => {
  await relay.stop()
})

it('answers GET /healthz with 200', async () => {
  expect(await healthz(relay.url)).toBe(200)
})

it('answers it again while WebSocket clients are connected to the same port', async () => {
  const raw = await openRaw(`${relay.url}/some-doc`)
  try {
    expect(await healthz(relay.url)).toBe(200)
  } finally {
    raw.ws.terminate()
  }
})
