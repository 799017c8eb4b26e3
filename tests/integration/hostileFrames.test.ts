import { CloseCode, encodeSyncStep2, encodeUpdate } from '@tandem/protocol'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { assertUnharmed, expectedCloseCode, prepareVictim } from '../helpers/hostile.ts'
import { createRng, randomBytes } from '../helpers/prng.ts'
import { openRaw, sendAndAwaitClose } from '../helpers/rawSocket.ts'
import { rssBytes, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

/**
 * Malformed input over a raw socket, against the CLI process: each bad frame closes its own
 * connection with the named close code, and nothing else is affected (see assertUnharmed).
 */

const MAX_FRAME = 256 * 1024
let server: ServerProcess
let dir: string
let bystanders: [StockClient, StockClient]
const watchers: StockClient[] = []

beforeAll(async () => {
  dir = await makeTempDir('hostile')
  server = await spawnServer({ dataDir: dir, maxFrameBytes: MAX_FRAME })
  bystanders = [await syncedClient(server.url, 'bystander'), await syncedClient(server.url, 'bystander')]
})

afterAll(async () => {
  for (const c of [...watchers, ...(bystanders ?? [])]) c.destroy()
  if (server?.alive()) await server.terminate()
  await removeDir(dir)
})

const frame = (...parts: (number[] | Uint8Array)[]) => {
  const e = encoding.createEncoder()
  for (const p of parts) encoding.writeUint8Array(e, Uint8Array.from(p))
  return encoding.toUint8Array(e)
}
const varUint = (n: number) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, n)
  return encoding.toUint8Array(e)
}

/** Sends each frame on its own connection to the victim document; returns the close codes. */
async function attack(victimName: string, frames: readonly (Uint8Array | string)[]): Promise<number[]> {
  const codes: number[] = []
  for (const f of frames) {
    const raw = await openRaw(`${server.url}/${victimName}`)
    codes.push(await sendAndAwaitClose(raw, f))
  }
  return codes
}

async function victim(name: string) {
  const v = await prepareVictim(server, name)
  watchers.push(v.watcher)
  return v
}

it('closes random bytes with the code their decoding gives', async () => {
  const v = await victim('victim-random')
  const rng = createRng(20261125)
  const frames: Uint8Array[] = []
  while (frames.length < 8) {
    const body = randomBytes(rng, 1 + ((frames.length * 97) % 600))
    // half of them claim to be sync messages, so they get past the first byte
    const candidate = frames.length % 2 === 0 ? body : frame([0, frames.length % 3], body)
    if (expectedCloseCode(candidate) !== null) frames.push(candidate)
  }
  expect(await attack(v.name, frames)).toEqual(frames.map(expectedCloseCode))
  await assertUnharmed(server, v, bystanders)
})

it('closes truncated varints with MalformedMessage', async () => {
  const v = await victim('victim-truncated')
  const frames = [
    frame([0x80]), // message type cut off
    frame([0x00, 0x82]), // sync type cut off
    frame([0x00, 0x02, 0xff, 0xff, 0xff]), // update length cut off
    frame([0x01, 0x80, 0x80]), // awareness length cut off
    frame([0x00, 0x02, 0x05, 0x01, 0x02]), // says 5 bytes, has 2
  ]
  expect(await attack(v.name, frames)).toEqual(frames.map(() => CloseCode.MalformedMessage))
  await assertUnharmed(server, v, bystanders)
})

it('closes a length prefix claiming 2^31 bytes without allocating it', async () => {
  const v = await victim('victim-huge-length')
  const rssBefore = await rssBytes(server.child.pid!)
  const frames = [
    frame([0x00, 0x02], varUint(2 ** 31), [1, 2, 3, 4]),
    frame([0x00, 0x00], varUint(2 ** 31), [1, 2, 3, 4]),
    frame([0x01], varUint(2 ** 31), [1, 2, 3, 4]),
  ]
  expect(await attack(v.name, frames)).toEqual(frames.map(() => CloseCode.MalformedMessage))
  expect(await rssBytes(server.child.pid!)).toBeLessThan(rssBefore + 256 * 1024 * 1024)
  await assertUnharmed(server, v, bystanders)
})

it('closes garbage inside a well-formed update frame with InvalidUpdate, storing none of it', async () => {
  const v = await victim('victim-garbage-update')
  const real = new Y.Doc()
  real.getText('text').insert(0, 'x'.repeat(200))
  const realUpdate = Y.encodeStateAsUpdate(real)
  const garbage = [
    randomBytes(createRng(7), 64),
    frame(varUint(2 ** 31), [1, 2, 3]), // "2^31 structs follow"
    realUpdate.subarray(0, Math.floor(realUpdate.length / 2)), // a real update, cut in half
    frame([0], varUint(2 ** 31)), // no structs, then a delete set of "2^31 clients"
    frame([1, 1, 5, 0, 0xff, 1, 2]), // one struct with an unknown content type
    frame([1, 1, 5, 0, 4], varUint(2 ** 31), [65]), // a string "of 2^31 chars"
  ]
  for (const g of garbage) expect(expectedCloseCode(encodeUpdate(g)), 'test premise: invalid update').toBe(4422)
  const frames = [...garbage.map((g) => encodeUpdate(g)), encodeSyncStep2(garbage[0]!)]
  expect(await attack(v.name, frames)).toEqual(frames.map(() => CloseCode.InvalidUpdate))
  await assertUnharmed(server, v, bystanders)
})

it('closes a frame over the size limit with MessageTooBig, storing none of it', async () => {
  const v = await victim('victim-oversized')
  const big = new Y.Doc()
  // a perfectly valid update, only too large: the limit must hold before any decoding
  big.getText('text').insert(0, 'B'.repeat(MAX_FRAME + 1024))
  const frames = [encodeUpdate(Y.encodeStateAsUpdate(big))]
  expect(frames[0]!.length).toBeGreaterThan(MAX_FRAME)
  expect(await attack(v.name, frames)).toEqual([CloseCode.MessageTooBig])
  await assertUnharmed(server, v, bystanders)
})

it('closes a text frame with UnsupportedData', async () => {
  const v = await victim('victim-text')
  expect(await attack(v.name, ['hello', '\u0000\u0002\u0001x'])).toEqual([
    CloseCode.UnsupportedData,
    CloseCode.UnsupportedData,
  ])
  await assertUnharmed(server, v, bystanders)
})
