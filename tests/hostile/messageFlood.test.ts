import {
  CloseCode,
  decodeTandemMessage,
  encodeAwareness,
  encodeQueryAwareness,
  encodeUpdate,
  TandemMessageType as T,
} from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { syncedClient } from '../helpers/client.ts'
import { waitUntil, withTimeout } from '../helpers/wait.ts'
import { type HostileRig, startRig } from './rig.ts'
import { docUpdate, type Hostile, hello, openHostile, subscribe } from './sockets.ts'

/**
 * Attack 6: a message flood from several connections at once, into the victim's room: two
 * stock connections sending valid updates, one Tandem connection sending DocUpdates, one
 * sending presence changes and one asking for the room's presence, FLOOD frames each, all
 * written as fast as the sockets take them. A flooder may be served to the end or cut off
 * with RateLimited (4529); what the relay accepted must be an in-order prefix, and the legitimate
 * watcher in the room must not be cut off for echoing the flood (as stock clients do).
 */

const FLOOD = 11_000
let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('flood')
})
afterAll(() => rig?.close())

/** One frame per update, each depending on the one before, into array `name`. */
function updates(name: string, count: number): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  for (let i = 0; i < count; i++) doc.getArray(name).push([i])
  doc.destroy()
  return out
}

interface Flooder {
  label: string
  h: Hostile
  frames: Uint8Array[]
}

async function flooders(victim: string, count: number, tag: string): Promise<Flooder[]> {
  const out: Flooder[] = []
  for (let k = 0; k < 2; k++) {
    const frames = updates(`${tag}${k}`, count).map(encodeUpdate)
    out.push({ label: `stock updates ${k}`, h: await openHostile(rig.url, 'stock', victim), frames })
  }
  const tandemUpdates = updates(`${tag}2`, count).map((u, i) => docUpdate(1, i + 1, u))
  const t = await openHostile(rig.url, 'tandem')
  out.push({ label: 'tandem DocUpdates', h: t, frames: [hello(), subscribe(1, victim), ...tandemUpdates] })
  const presence = (i: number) => encodeAwareness([{ clientID: 77_000_001, clock: i + 1, state: `{"i":${i}}` }])
  out.push({
    label: 'presence',
    h: await openHostile(rig.url, 'stock', victim),
    frames: Array.from({ length: count }, (_, i) => presence(i)),
  })
  const query = Array.from({ length: count }, () => encodeQueryAwareness())
  out.push({ label: 'presence queries', h: await openHostile(rig.url, 'stock', victim), frames: query })
  return out
}

it('survives a flood from several connections at once, keeping in-order prefixes and the watcher', async () => {
  const v = await rig.victim('victim-flood')
  const watcherCloses: string[] = []
  v.watcher.provider.on('connection-close', (e) => watcherCloses.push(`${e?.code} ${e?.reason}`))
  const run = async (count: number, tag: string) => {
    const fs = await flooders(v.name, count, tag)
    for (const f of fs) for (const frame of f.frames) f.h.ws.send(frame)
    const tandem = fs[2]!.h
    let acked = 0
    tandem.ws.on('message', (d: Buffer) => {
      const m = decodeTandemMessage(new Uint8Array(d))
      if (m.type === T.Ack) acked = m.seq
    })
    const lastAck = () => acked
    await waitUntil(
      'every flooder has sent it all or been cut off',
      () => fs.every((f) => f.h.isClosed() || f.h.ws.bufferedAmount === 0),
      { timeoutMs: 20_000, intervalMs: 50 },
    )
    await waitUntil(
      'the Tandem flooder is acked to the end or cut off',
      () => tandem.isClosed() || lastAck() === count,
      {
        timeoutMs: 40_000,
        intervalMs: 100,
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}: last ack ${lastAck()} of ${count}, ${tandem.received.length} frames received`)
    })
    // "Sent" only means the kernel took the bytes: the relay may still cut a flooder off. A
    // close of our own is read after every frame before it, so the code it ends with says
    // for certain whether the relay served the connection to the end.
    const codes = await Promise.all(
      fs.map(async (f) => {
        if (!f.h.isClosed()) f.h.ws.close(1000)
        const code = await withTimeout(`${f.label} to close`, f.h.closed, 20_000)
        return code === 1000 || code === 1005 ? 'served' : code
      }),
    )
    return fs.map((f, i) => ({ label: f.label, code: codes[i]! }))
  }
  const before = await rig.baseline(() => run(200, 'warm').then(() => undefined))
  const stop = rig.sampleRss()
  const outcome = await run(FLOOD, 'flood')
  const peak = await stop()
  const cuts = [4508, 4529].map((c) => `${c} x${rig.server.logCount(`"code":${c}`)}`).join(', ')
  const summary = outcome.map((o) => `${o.label}: ${o.code}`).join(', ')
  console.log(
    `flood: ${FLOOD} frames x ${outcome.length} connections -> ${summary}; relay closes: ${cuts}; watcher closes ${JSON.stringify(watcherCloses)}`,
  )
  for (const o of outcome) expect([CloseCode.RateLimited, 'served'], o.label).toContain(o.code)

  const fresh = await syncedClient(rig.url, v.name)
  try {
    for (let k = 0; k < 3; k++) {
      const got = () => fresh.doc.getArray<number>(`flood${k}`).toArray()
      if (outcome[k]!.code === 'served') await waitUntil(`all of flood${k} is stored`, () => got().length === FLOOD)
      expect(got(), `flood${k} is an in-order prefix`).toEqual(Array.from({ length: got().length }, (_, i) => i))
    }
  } finally {
    fresh.destroy()
  }
  await rig.afterAttack('message flood', v, before, peak)
})
