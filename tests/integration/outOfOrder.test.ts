import { CloseCode, decodeMessage, encodeSyncStep1, encodeUpdate, MessageType, SyncMessageType } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { danglingOrigin } from '../helpers/craftedUpdates.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { sleep, waitUntil, withTimeout } from '../helpers/wait.ts'

/**
 * Updates whose dependencies are still in flight (a client's offline backlog relayed out of
 * order) are held, never served, and integrate once the dependency comes; one whose
 * dependency never comes is dropped at the byte or time bound, so memory stays bounded.
 */

const MAX_HELD = 64 * 1024
const HELD_MS = 1_000
let t: TestRelay
beforeAll(async () => {
  t = await startTestRelay({ maxHeldBytes: MAX_HELD, heldMs: HELD_MS, stateIdleMs: 200 })
})
afterAll(() => t?.stop())

/** A raw stock socket that sends an update and waits until the relay handled it. */
async function sender(doc: string) {
  const ws = new WebSocket(`${t.url}/${doc}`)
  ws.on('error', () => {})
  let answered: (outcome: number | 'answered') => void = () => {}
  ws.on('message', (data: Buffer) => {
    const m = decodeMessage(new Uint8Array(data))
    if (m.type === MessageType.Sync && m.sync === SyncMessageType.Step2) answered('answered')
  })
  ws.on('close', (code: number) => answered(code))
  await withTimeout('a sender socket to open', new Promise((r) => ws.once('open', r)), 5_000)
  return {
    /** 'answered' once handled, or the close code if the relay closed the socket instead. */
    async send(update: Uint8Array): Promise<number | 'answered'> {
      const done = new Promise<number | 'answered'>((r) => {
        answered = r
      })
      ws.send(encodeUpdate(update))
      ws.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
      return withTimeout('the relay to handle the update', done, 5_000)
    },
    closed: () => ws.readyState !== WebSocket.OPEN,
    close: () => ws.terminate(),
  }
}

const held = () => t.relay.metrics.value('tandem_held_bytes')
const text = (c: StockClient) => c.doc.getText('t').toString()

it('holds an update sent before its dependency, serves neither half-state, then integrates both for everyone', async () => {
  const writer = new Y.Doc()
  const updates: Uint8Array[] = []
  writer.on('update', (u: Uint8Array) => updates.push(u))
  writer.getText('t').insert(0, 'first')
  writer.getText('t').insert(5, ' second')
  const guardian = await syncedClient(t.url, 'ooo')
  const s = await sender('ooo')
  try {
    await s.send(updates[1]!)
    expect(held()).toBeGreaterThan(0)
    const early = await syncedClient(t.url, 'ooo')
    // Held content would be invisible in a client too (Yjs holds it there); that the relay
    // sent none of it shows in the clients' pending stores.
    expect(early.doc.store.pendingStructs, 'held content is not served').toBeNull()
    early.destroy()
    expect(guardian.doc.store.pendingStructs, 'held content is not forwarded').toBeNull()

    await s.send(updates[0]!)
    await waitUntil('the guardian gets both updates', () => text(guardian) === 'first second')
    expect(held()).toBe(0)
    const fresh = await syncedClient(t.url, 'ooo')
    expect(text(fresh)).toBe('first second')
    fresh.destroy()
    expect(s.closed()).toBe(false)
  } finally {
    s.close()
    guardian.destroy()
  }
})

it('keeps held bytes under the bound when dependencies never come, and drops them after the time bound', async () => {
  const guardian = await syncedClient(t.url, 'never')
  let s = await sender('never')
  let peak = 0
  const closes: number[] = []
  try {
    for (let i = 0; i < 100; i++) {
      // 4 KB each, every one waiting for a client that never writes: 400 KB in all
      const outcome = await s.send(danglingOrigin(50_000 + i, 90_000 + i, 4_000))
      peak = Math.max(peak, held())
      if (outcome !== 'answered') {
        // a writer whose held updates were dropped is told to sync again
        closes.push(outcome)
        s = await sender('never')
      }
    }
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThanOrEqual(MAX_HELD)
    expect(t.relay.metrics.value('tandem_held_dropped_total', { reason: 'bytes' })).toBeGreaterThan(0)
    expect(closes.length).toBeGreaterThan(0)
    expect(new Set(closes)).toEqual(new Set([CloseCode.UnresolvedUpdate]))
    expect(await s.send(danglingOrigin(70_000, 70_001, 100))).toBe('answered')
    expect(held()).toBeGreaterThan(0)
    await waitUntil('held content is dropped after the time bound', () => held() === 0, { timeoutMs: 10_000 })
    expect(t.relay.metrics.value('tandem_held_dropped_total', { reason: 'time' })).toBeGreaterThan(0)
    await sleep(50)
    expect(text(guardian)).toBe('')
  } finally {
    s.close()
    guardian.destroy()
  }
})
