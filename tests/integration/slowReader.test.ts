import { CloseCode, encodeAwareness } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { assertUnharmed, prepareVictim } from '../helpers/hostile.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { rssBytes, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'

/**
 * A peer that stops reading must not make the relay buffer for it without bound: once its
 * send buffer passes the limit (4 MiB by default) the relay cuts it off (SlowReader, or a
 * reset after the close grace period). The traffic is awareness, which the relay forwards but
 * does not store, so the test costs no disk and no compaction.
 */

const FRAMES = 800
// 800 x 48 KiB = 37.5 MiB towards the stalled peer, each state under the 64 KiB presence limit
const STATE_BYTES = 48 * 1024
let server: ServerProcess
let dir: string
let bystanders: [StockClient, StockClient]
const watchers: StockClient[] = []

beforeAll(async () => {
  dir = await makeTempDir('slow-reader')
  // a byte rate limit high enough for the flood: the writer and the pacer (stock clients echo
  // every presence change they receive) are legitimate here; only the stalled peer is at fault
  server = await spawnServer({ dataDir: dir, extraArgs: ['--max-bytes-per-second', String(2 ** 30)] })
  bystanders = [await syncedClient(server.url, 'bystander'), await syncedClient(server.url, 'bystander')]
})

afterAll(async () => {
  for (const c of [...watchers, ...(bystanders ?? [])]) c.destroy()
  if (server?.alive()) await server.terminate()
  await removeDir(dir)
})

type PausableSocket = { _socket: { pause(): void; resume(): void } }
const socketOf = (ws: unknown) => (ws as PausableSocket)._socket

/**
 * Sends `frames` awareness states of 48 KiB from a raw writer into the room, paced by a
 * stock client that reads, so only a peer that stopped reading falls behind. `onFrame` runs
 * after each frame, to act mid-flood.
 */
async function awarenessFlood(url: string, pacer: StockClient, frames: number, onFrame = (_clock: number) => {}) {
  const writer = await openRaw(url)
  const pad = 'x'.repeat(STATE_BYTES)
  const clientID = 424242
  const clockSeen = () => (pacer.provider.awareness.getStates().get(clientID) as { clock?: number } | undefined)?.clock
  try {
    for (let clock = 1; clock <= frames; clock++) {
      writer.ws.send(encodeAwareness([{ clientID, clock, state: JSON.stringify({ clock, pad }) }]))
      onFrame(clock)
      if (clock % 16 === 0) await waitUntil(`the pacer gets frame ${clock}`, () => (clockSeen() ?? 0) >= clock)
    }
    await waitUntil('the pacer gets the whole flood', () => clockSeen() === frames)
  } finally {
    writer.ws.terminate()
  }
}

it('cuts off a peer that stops reading, with bounded memory, leaving the room working', async () => {
  const v = await prepareVictim(server, 'victim-slow-reader')
  watchers.push(v.watcher)
  const stalled = await openRaw(`${server.url}/${v.name}`)
  socketOf(stalled.ws).pause()
  const rssBefore = await rssBytes(server.child.pid!)
  await awarenessFlood(`${server.url}/${v.name}`, v.watcher, FRAMES)
  const rssAfter = await rssBytes(server.child.pid!)
  console.log(`slow reader: server RSS grew by ${Math.round((rssAfter - rssBefore) / 2 ** 20)} MiB in a 37.5 MiB flood`)

  // read again: a relay without a limit delivers it all and keeps the socket open
  socketOf(stalled.ws).resume()
  const { code } = await withTimeout('the stalled peer to be cut off', stalled.closed, 10_000).finally(() =>
    stalled.ws.terminate(),
  )
  expect([CloseCode.SlowReader, 1006]).toContain(code)
  expect(rssAfter).toBeLessThan(rssBefore + 200 * 1024 * 1024)
  await assertUnharmed(server, v, bystanders)
})

it('lets a stock client that was cut off for reading slowly reconnect by itself and catch up', async () => {
  const v = await prepareVictim(server, 'victim-slow-stock')
  watchers.push(v.watcher)
  const slow = await syncedClient(server.url, v.name)
  watchers.push(slow)
  let cutOff = 0
  let gaveUp: { code: number; reason: string } | null = null
  slow.provider.on('connection-close', () => cutOff++)
  slow.provider.on('closed', (event) => {
    gaveUp = event
  })
  const socket = socketOf(slow.provider.ws)
  socket.pause()
  // A busy tab or a laptop lid: it reads again right after the relay gave up on it, so it
  // gets the relay's close frame. The relay's log says when that happened.
  const slowCuts = () => server.logCount(`"code":${CloseCode.SlowReader}`)
  const cutsBefore = slowCuts()
  let resumed = false
  const resumeOnceCut = () => {
    if (!resumed && slowCuts() > cutsBefore) {
      resumed = true
      socket.resume()
    }
  }
  await awarenessFlood(`${server.url}/${v.name}`, v.watcher, FRAMES, resumeOnceCut)
  await waitUntil('the relay logs that it cut the slow client off', () => {
    resumeOnceCut()
    return resumed
  })
  await waitUntil('the slow client sees its connection closed', () => cutOff > 0, { timeoutMs: 10_000 })
  v.watcher.doc.getText('text').insert(0, 'while you were away: ')
  const want = v.watcher.doc.getText('text').toString()
  await waitUntil(
    'the slow client is back and has the edit made after the cut',
    () => slow.provider.wsconnected && slow.doc.getText('text').toString() === want,
    { timeoutMs: 10_000 },
  ).catch((err: Error) => {
    // stock y-websocket treats close codes 4400-4499 as permanent and stops reconnecting
    throw new Error(`${err.message}; the stock client gave up after close ${JSON.stringify(gaveUp)}`)
  })
})
