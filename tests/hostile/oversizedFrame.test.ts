import { CloseCode, encodeAwareness, encodeUpdate } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { withTimeout } from '../helpers/wait.ts'
import { type HostileRig, MiB, startRig } from './rig.ts'
import { docUpdate, frameHeader, hello, openHostile, rawUpgrade, sendFrames, subscribe } from './sockets.ts'

/**
 * Attack 5: frames over the size limit (the default, 4 MiB): a valid update, a Tandem
 * DocUpdate and an awareness state just over it, a message split in 1 MiB fragments, and
 * frame headers that claim 4 MiB + 1 or 2^53 bytes and never deliver them. Each is closed
 * with MessageTooBig (1009), the header-only ones without waiting for the payload.
 */

const LIMIT = 4 * MiB
const ROUNDS = 3
let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('oversized')
})
afterAll(() => rig?.close())

function bigUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'B'.repeat(LIMIT + 1024))
  return Y.encodeStateAsUpdate(doc)
}

async function fragmented(victim: string): Promise<number> {
  const h = await openHostile(rig.url, 'stock', victim)
  const chunk = new Uint8Array(MiB)
  for (let i = 0; i < 5 && !h.isClosed(); i++) h.ws.send(chunk, { binary: true, fin: i === 4 })
  const code = await withTimeout('the fragmented message to be refused', h.closed, 5_000).finally(() =>
    h.ws.terminate(),
  )
  return code
}

/** Sends only a header claiming `length` bytes; returns the close code the server sent back. */
async function headerOnly(victim: string, length: bigint): Promise<number> {
  const raw = await rawUpgrade(rig.server.port, victim)
  raw.socket.write(Buffer.concat([frameHeader(length), Buffer.from([1, 2, 3, 4])]))
  await withTimeout('the server to drop a connection announcing a huge frame', raw.closed, 5_000).finally(() =>
    raw.socket.destroy(),
  )
  return closeCodeIn(Buffer.concat(raw.data))
}

/** The code of the close frame among unmasked server frames (greetings may come first); -1 if none. */
function closeCodeIn(reply: Buffer): number {
  for (let at = 0; at + 2 <= reply.length; ) {
    const short = reply[at + 1]! & 0x7f
    const [headerLength, length] =
      short === 126
        ? [4, reply.readUInt16BE(at + 2)]
        : short === 127
          ? [10, Number(reply.readBigUInt64BE(at + 2))]
          : [2, short]
    if ((reply[at]! & 0x0f) === 0x8 && length >= 2) return reply.readUInt16BE(at + headerLength)
    at += headerLength + length
  }
  return -1
}

it('closes frames over the size limit with MessageTooBig, on both paths and in every shape', async () => {
  const v = await rig.victim('victim-oversized')
  const update = bigUpdate()
  const stockFrame = encodeUpdate(update)
  const tandemFrames = [hello(), subscribe(1, v.name), docUpdate(1, 1, update)]
  const awareness = encodeAwareness([{ clientID: 99, clock: 1, state: `"${'a'.repeat(LIMIT)}"` }])
  expect(stockFrame.length).toBeGreaterThan(LIMIT)
  const attack = async () => [
    await sendFrames(rig.url, 'stock', v.name, [stockFrame]),
    await sendFrames(rig.url, 'tandem', '', tandemFrames),
    await sendFrames(rig.url, 'stock', v.name, [awareness]),
    await fragmented(v.name),
    await headerOnly(v.name, BigInt(LIMIT + 1)),
    await headerOnly(v.name, 2n ** 53n),
    await headerOnly(v.name, 2n ** 63n - 1n),
  ]
  const before = await rig.baseline(async () => {
    await attack()
  })
  const stop = rig.sampleRss()
  const results: (number | 'open')[][] = []
  for (let i = 0; i < ROUNDS; i++) results.push(await attack())
  const peak = await stop()
  console.log(`oversized: ${ROUNDS} rounds, close codes ${JSON.stringify(results[0])}`)
  for (const codes of results) expect(codes).toEqual(codes.map(() => CloseCode.MessageTooBig))
  await rig.afterAttack('oversized frame', v, before, peak)
})
