import { CloseCode, encodeAwareness, encodeUpdate, TandemMessageType as T } from '@tandem/protocol'
import { createLogger, type Relay, type RelayOptions, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { syncedClient } from '../helpers/client.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'
import { stockOutcome, tandemSocket, textUpdate } from './authRig.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relay(options: Partial<RelayOptions>): Promise<Relay> {
  const dir = await makeTempDir('limits')
  const r = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent'), ...options })
  cleanups.push(
    () => removeDir(dir),
    () => r.close(),
  )
  return r
}

const rejected = (r: Relay, reason: string) => r.metrics.value('tandem_rejected_frames_total', { reason })

async function closeCodeAfter(r: Relay, doc: string, frames: Uint8Array[]): Promise<number> {
  const raw = await openRaw(`${r.url}/${doc}`)
  for (const f of frames) raw.ws.send(f)
  try {
    return (await withTimeout('the close', raw.closed, 5_000)).code
  } finally {
    raw.ws.terminate()
  }
}

describe('limits: each has a named close code or HTTP status, and a metric', () => {
  it('frame size: 1009', async () => {
    const r = await relay({ maxFrameBytes: 2048 })
    expect(await closeCodeAfter(r, 'd', [encodeUpdate(new Uint8Array(4096))])).toBe(CloseCode.MessageTooBig)
    await waitUntil('the metric', () => rejected(r, 'too_big') === 1)
  })

  /** Sends `frames` without waiting; resolves with the text a fresh client sees once it holds `chars` characters. */
  async function throttledThrough(r: Relay, doc: string, frames: Uint8Array[], chars: number): Promise<boolean> {
    const raw = await openRaw(`${r.url}/${doc}`)
    try {
      for (const f of frames) raw.ws.send(f)
      const fresh = await syncedClient(r.url, doc)
      try {
        await waitUntil('every frame is stored', () => fresh.doc.getText('t').length === chars, { timeoutMs: 30_000 })
      } finally {
        fresh.destroy()
      }
      return raw.isClosed()
    } finally {
      raw.ws.terminate()
    }
  }

  it('messages per second: a writer past the rate is paused (TCP pushes back), not closed', async () => {
    const r = await relay({ maxMessagesPerSecond: 20 })
    const frames = Array.from({ length: 80 }, (_, i) => encodeUpdate(textUpdate(`${i % 10}`, 1000 + i)))
    expect(await throttledThrough(r, 'd', frames, 80)).toBe(false)
    expect(r.metrics.value('tandem_throttled_total')).toBeGreaterThan(0)
    expect(rejected(r, 'rate')).toBe(0)
  })

  it('bytes per second: paused, not closed', async () => {
    const r = await relay({ maxBytesPerSecond: 2048, maxFrameBytes: 4096 })
    const big = (i: number) => encodeUpdate(textUpdate('x'.repeat(3000), 100 + i))
    expect(await throttledThrough(r, 'd', [big(0), big(1), big(2), big(3)], 12_000)).toBe(false)
    expect(r.metrics.value('tandem_throttled_total')).toBeGreaterThan(0)
  })

  it('presence size and clients per connection: 4413', async () => {
    const r = await relay({ maxAwarenessBytes: 256, maxAwarenessPerConnection: 2 })
    const huge = encodeAwareness([{ clientID: 1, clock: 1, state: JSON.stringify({ x: 'y'.repeat(1000) }) }])
    expect(await closeCodeAfter(r, 'a', [huge])).toBe(CloseCode.LimitExceeded)
    const many = encodeAwareness([1, 2, 3].map((clientID) => ({ clientID, clock: 1, state: '{}' })))
    expect(await closeCodeAfter(r, 'b', [many])).toBe(CloseCode.LimitExceeded)
    expect(rejected(r, `code_${CloseCode.LimitExceeded}`)).toBe(2)
  })

  it('documents per connection: Error 4413 on the extra channel', async () => {
    const r = await relay({ maxDocsPerConnection: 3 })
    const s = await tandemSocket(r)
    await s.hello('')
    await s.welcomed()
    for (let ch = 1; ch <= 4; ch++) s.send({ type: T.Subscribe, channel: ch, doc: `d${ch}` })
    await waitUntil('the refusal', () => s.got.some((m) => m.type === T.Error))
    expect(s.got.find((m) => m.type === T.Error)).toMatchObject({ channel: 4, code: CloseCode.LimitExceeded })
    s.ws.terminate()
  })

  it('connections per IP: HTTP 429 and a metric', async () => {
    const r = await relay({ maxConnectionsPerIp: 3 })
    const open = await Promise.all([1, 2, 3].map(() => openRaw(`${r.url}/d`)))
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${r.url}/d`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => {})
    })
    expect(status).toBe(429)
    expect(r.metrics.value('tandem_rejected_upgrades_total', { reason: 'per_ip' })).toBe(1)
    for (const o of open) o.ws.terminate()
  })

  it('document names: too long is HTTP 400 (stock) and Error 4404 (Tandem)', async () => {
    const r = await relay({ maxDocNameLength: 10 })
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${r.url}/${'n'.repeat(11)}`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => {})
    })
    expect(status).toBe(400)
    const s = await tandemSocket(r)
    await s.hello('')
    await s.welcomed()
    s.send({ type: T.Subscribe, channel: 1, doc: 'n'.repeat(11) })
    await waitUntil('the refusal', () => s.got.some((m) => m.type === T.Error))
    expect(s.got.find((m) => m.type === T.Error)).toMatchObject({ code: CloseCode.InvalidDocumentName })
    s.ws.terminate()
  })

  it('pre-auth: a Tandem socket that never says Hello is closed with 4401', async () => {
    const r = await relay({ preAuthTimeoutMs: 300 })
    const s = await tandemSocket(r)
    expect(await withTimeout('the close', s.closed, 3_000)).toBe(CloseCode.Unauthorized)
  })

  it('pre-auth: a Hocuspocus socket (the root path) that never sends Auth is closed with 4401', async () => {
    const r = await relay({ preAuthTimeoutMs: 300 })
    const raw = await openRaw(r.url)
    try {
      expect((await withTimeout('the close', raw.closed, 3_000)).code).toBe(CloseCode.Unauthorized)
    } finally {
      raw.ws.terminate()
    }
  })

  it('origins: an upgrade from an origin not on the list gets HTTP 403', async () => {
    const r = await relay({ allowedOrigins: ['http://app.example'] })
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${r.url}/d`, { origin: 'http://evil.example' })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('error', () => {})
    })
    expect(status).toBe(403)
    const ok = new WebSocket(`${r.url}/d`, { origin: 'http://app.example' })
    await new Promise((resolve) => ok.once('open', resolve))
    ok.terminate()
    expect(await stockOutcome(`${r.url}/d`, 200)).not.toBe('open')
  })
})
