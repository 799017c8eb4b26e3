import { CloseCode, encodeAwareness } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { StockClient } from '../helpers/client.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'
import { type HostileRig, startRig } from './rig.ts'
import { type Hostile, hello, openHostile, rawUpgrade, subscribe } from './sockets.ts'

/**
 * Attack 8: peers that never read, in a room a writer floods with 28 MiB of presence: two
 * stock `ws` clients and one Tandem client whose sockets are paused, and two plain TCP
 * sockets that did the upgrade handshake and never read a byte. The relay must cut each of
 * them off (SlowReader, 4508) instead of buffering for them, and free what it held.
 *
 * The byte rate limit is raised for this file only: the writer, and the watcher that echoes
 * every presence change as stock clients do, are the legitimate side here; the default
 * (1 MiB/s) would cut them off before the stalled peers had 4 MiB waiting.
 */

const FRAMES = 600
const STATE_BYTES = 48 * 1024
let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('slow', ['--max-bytes-per-second', String(2 ** 30)])
})
afterAll(() => rig?.close())

type Pausable = { _socket: { pause(): void; resume(): void } }
const socketOf = (h: Hostile) => (h.ws as unknown as Pausable)._socket

/** Presence frames of STATE_BYTES, paced by a client that reads, so only stalled peers fall behind. */
async function flood(victim: string, pacer: StockClient, frames: number, clientID: number): Promise<void> {
  const writer = await openHostile(rig.url, 'stock', victim)
  const pad = 'x'.repeat(STATE_BYTES)
  const seen = () => (pacer.provider.awareness.getStates().get(clientID) as { clock?: number } | undefined)?.clock ?? 0
  try {
    for (let clock = 1; clock <= frames; clock++) {
      writer.ws.send(encodeAwareness([{ clientID, clock, state: JSON.stringify({ clock, pad }) }]))
      if (clock % 16 === 0) await waitUntil(`the pacer gets frame ${clock}`, () => seen() >= clock)
    }
    await waitUntil('the pacer gets the whole flood', () => seen() === frames)
  } finally {
    writer.ws.close()
  }
}

it('cuts off peers that never read while their room is flooded, and frees what it held', async () => {
  const v = await rig.victim('victim-slow')
  // the warm-up is the same flood without stalled peers: the growth measured is theirs
  const before = await rig.baseline(() => flood(v.name, v.watcher, FRAMES, 88_000_000))
  const cutsBefore = rig.server.logCount(`"code":${CloseCode.SlowReader}`)
  const stock = [await openHostile(rig.url, 'stock', v.name), await openHostile(rig.url, 'stock', v.name)]
  const tandem = await openHostile(rig.url, 'tandem')
  tandem.ws.send(hello())
  tandem.ws.send(subscribe(1, v.name))
  await waitUntil('the Tandem peer joined', () => tandem.received.length >= 2)
  const raws = [await rawUpgrade(rig.server.port, v.name), await rawUpgrade(rig.server.port, v.name)]
  for (const h of [...stock, tandem]) socketOf(h).pause()
  for (const r of raws) r.socket.pause()

  const stop = rig.sampleRss()
  await flood(v.name, v.watcher, FRAMES, 88_000_001)
  const peak = await stop()
  const cuts = rig.server.logCount(`"code":${CloseCode.SlowReader}`) - cutsBefore

  // read again: a peer the relay kept buffering for would now get everything and stay open
  for (const h of [...stock, tandem]) socketOf(h).resume()
  for (const r of raws) r.socket.resume()
  const codes = await Promise.all(
    [...stock, tandem].map((h) => withTimeout('a stalled peer to be cut off', h.closed, 10_000).catch(() => 'open')),
  )
  const rawEnds = await Promise.all(
    raws.map((r) =>
      withTimeout('a stalled TCP peer to be cut off', r.closed, 10_000).then(
        () => 'closed',
        () => 'open',
      ),
    ),
  )
  for (const h of [...stock, tandem]) h.ws.terminate()
  for (const r of raws) r.socket.destroy()
  console.log(
    `slow readers: ${(FRAMES * STATE_BYTES) / 2 ** 20} MiB flood; relay logged ${cuts} SlowReader closes; ` +
      `ws peers closed with ${JSON.stringify(codes)}, TCP peers ${JSON.stringify(rawEnds)}`,
  )
  for (const code of codes) expect([CloseCode.SlowReader, 1006]).toContain(code)
  expect(rawEnds).toEqual(['closed', 'closed'])
  expect(cuts, 'every stalled peer is cut off for not reading').toBeGreaterThanOrEqual(5)
  await rig.afterAttack('slow readers', v, before, peak)
})
