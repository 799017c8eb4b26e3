import {
  decodeMessage,
  decodeTandemMessage,
  encodeSyncStep1,
  MessageType,
  SyncMessageType,
  TandemMessageType as T,
} from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { docFingerprint } from '../helpers/client.ts'
import { victimShape } from '../helpers/hostile.ts'
import { waitUntil } from '../helpers/wait.ts'
import { type HostileRig, startRig, syncLatencyMs } from './rig.ts'
import { type Hostile, hello, inDoc, openHostile, subscribe } from './sockets.ts'

/**
 * Attack 7: 500 connections at once from one address (within the default per-IP limit of
 * 4096, so no flag is raised), 400 stock and 100 Tandem, all joining documents (a tenth of
 * them the victim) and sending sync step 1 straight away. Every one must get its step 2, the
 * victim's joiners must get exactly the victim's content, and another document must still
 * sync within 2 s while all 500 are connected.
 */

const CONNECTIONS = 500
const TANDEM_SHARE = 100
let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('crowd')
})
afterAll(() => rig?.close())

const step1 = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()))

/** The step 2 a connection received (stock frame or inside a Tandem Doc frame), if any. */
function step2Of(h: Hostile, path: 'stock' | 'tandem'): Uint8Array | null {
  for (const raw of h.received) {
    let frame = raw
    if (path === 'tandem') {
      const m = decodeTandemMessage(raw)
      if (m.type !== T.Doc) continue
      frame = m.message
    }
    const m = decodeMessage(frame)
    if (m.type === MessageType.Sync && m.sync === SyncMessageType.Step2) return m.update
  }
  return null
}

it('serves 500 simultaneous connections joining documents and sending step 1', async () => {
  const v = await rig.victim('victim-crowd')
  const docOf = (i: number) => (i % 10 === 0 ? v.name : `crowd-${i % 37}`)
  const join = async (i: number) => {
    const path = i < TANDEM_SHARE ? ('tandem' as const) : ('stock' as const)
    const h = await openHostile(rig.url, path, docOf(i))
    if (path === 'tandem') for (const f of [hello(), subscribe(1, docOf(i)), inDoc(1, step1)]) h.ws.send(f)
    else h.ws.send(step1)
    return { h, path, doc: docOf(i) }
  }
  const crowd = async (n: number) => {
    const all = await Promise.all(Array.from({ length: n }, (_, i) => join(i)))
    await waitUntil('every connection has its step 2', () => all.every((c) => step2Of(c.h, c.path) !== null), {
      timeoutMs: 20_000,
      intervalMs: 50,
    })
    return all
  }
  const before = await rig.baseline(async () => {
    for (const c of await crowd(50)) c.h.ws.close()
  })
  const stop = rig.sampleRss()
  const start = performance.now()
  const all = await crowd(CONNECTIONS)
  const allServedMs = Math.round(performance.now() - start)
  const syncWhileConnected = await syncLatencyMs(rig.url)
  const closedEarly = all.filter((c) => c.h.isClosed()).length
  for (const c of all.filter((c) => c.doc === v.name)) {
    const d = new Y.Doc()
    Y.applyUpdate(d, step2Of(c.h, c.path)!)
    expect(docFingerprint(d, victimShape), 'a joiner of the victim got other content').toBe(v.expected)
  }
  for (const c of all) c.h.ws.close()
  await waitUntil('the crowd is gone', () => all.every((c) => c.h.isClosed()), { timeoutMs: 10_000 })
  const peak = await stop()
  console.log(
    `crowd: ${CONNECTIONS} connections all served in ${allServedMs} ms; ` +
      `another document synced in ${syncWhileConnected} ms while they were connected; ${closedEarly} closed early`,
  )
  expect(closedEarly).toBe(0)
  expect(syncWhileConnected).toBeLessThan(2_000)
  await rig.afterAttack('500 connections', v, before, peak)
})
