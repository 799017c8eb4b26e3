import { join } from 'node:path'
import {
  CloseCode,
  decodeMessage,
  decodeTandemMessage,
  encodeSyncStep1,
  encodeTandemMessage,
  MessageType,
  SyncMessageType,
  TandemMessageType as T,
  TANDEM_SUBPROTOCOL,
  type TandemMessage,
  updateDigest,
} from '@tandem/protocol'
import { createLogger, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { connectClient } from '../../helpers/client.ts'
import { throwingUpdates } from '../../helpers/craftedUpdates.ts'
import { makeTempDir, removeDir } from '../../helpers/tempDir.ts'
import { sleep, waitUntil } from '../../helpers/wait.ts'
import { GatedStorage } from './gatedStorage.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(): Promise<{ relay: Relay; storage: GatedStorage }> {
  const dir = await makeTempDir('tandem-session')
  const storage = new GatedStorage(new SqliteDocStorage({ file: join(dir, 'db.sqlite') }))
  const relay = await startRelay({ port: 0, storage, logger: createLogger('silent') })
  cleanups.push(
    () => removeDir(dir),
    () => relay.close(),
  )
  return { relay, storage }
}

/** A bare Tandem socket that records every frame it receives, decoded. */
async function tandemSocket(relay: Relay, hello = true) {
  const ws = new WebSocket(`${relay.url}/`, TANDEM_SUBPROTOCOL)
  const got: TandemMessage[] = []
  ws.on('message', (data: Buffer) => got.push(decodeTandemMessage(new Uint8Array(data))))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  cleanups.push(() => ws.terminate())
  const send = (m: TandemMessage) => ws.send(encodeTandemMessage(m))
  if (hello) {
    send({ type: T.Hello, version: 1, token: '' })
    await waitUntil('welcome', () => got.some((m) => m.type === T.Welcome))
    got.length = 0
  }
  return { ws, got, send }
}

function textUpdate(text: string, clientID: number): Uint8Array {
  const d = new Y.Doc()
  d.clientID = clientID
  d.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(d)
}

describe('Tandem session (one socket, many documents, durable acks)', () => {
  it('negotiates the subprotocol and answers Hello and Ping', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay, false)
    expect(s.ws.protocol).toBe(TANDEM_SUBPROTOCOL)
    s.send({ type: T.Hello, version: 1, token: '' })
    s.send({ type: T.Ping, id: 42 })
    await waitUntil('welcome and pong', () => s.got.length === 2)
    expect(s.got[0]).toMatchObject({ type: T.Welcome, version: 1 })
    expect(s.got[1]).toEqual({ type: T.Pong, id: 42 })
  })

  it('serves many documents over one socket, each answering sync on its own channel', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    for (let ch = 1; ch <= 50; ch++) {
      s.send({ type: T.Subscribe, channel: ch, doc: `doc-${ch}` })
      s.send({ type: T.Doc, channel: ch, message: encodeSyncStep1(new Uint8Array([0])) })
    }
    await waitUntil('a step 2 on every channel', () => {
      const steps = s.got.filter(
        (m) => m.type === T.Doc && (decodeMessage(m.message) as { sync?: number }).sync === SyncMessageType.Step2,
      )
      return new Set(steps.map((m) => (m as { channel: number }).channel)).size === 50
    })
  })

  it('acks an update only after it is committed, and stock clients get it then', async () => {
    const { relay, storage } = await setup()
    const stock = connectClient(relay.url, 'shared')
    cleanups.push(() => stock.destroy())
    await stock.synced
    const s = await tandemSocket(relay)
    s.send({ type: T.Subscribe, channel: 7, doc: 'shared' })
    storage.holdAppends = true
    s.send({ type: T.DocUpdate, channel: 7, seq: 1, update: textUpdate('acked', 99) })
    await waitUntil('the append to be held', () => storage.held === 1)
    await sleep(100)
    expect(s.got.some((m) => m.type === T.Ack)).toBe(false)
    expect(stock.doc.getText('t').toString()).toBe('')
    storage.holdAppends = false
    storage.release()
    await waitUntil('the ack', () => s.got.some((m) => m.type === T.Ack))
    expect(s.got.find((m) => m.type === T.Ack)).toEqual({ type: T.Ack, channel: 7, seq: 1 })
    await waitUntil('the stock client to get it', () => stock.doc.getText('t').toString() === 'acked')
    // A stock client never receives a Tandem frame: everything it got decodes as y-protocols.
    expect(stock.provider.wsconnected).toBe(true)
  })

  it('acks an empty update in order, after earlier writes', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    s.send({ type: T.Subscribe, channel: 1, doc: 'd' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('a', 5) })
    s.send({ type: T.DocUpdate, channel: 1, seq: 2, update: new Uint8Array([0, 0]) })
    await waitUntil('two acks', () => s.got.filter((m) => m.type === T.Ack).length === 2)
    expect(s.got.filter((m) => m.type === T.Ack).map((m) => (m as { seq: number }).seq)).toEqual([1, 2])
  })

  it('check-in: a matching digest matches, a tampered one does not', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    const update = textUpdate('digest me', 11)
    s.send({ type: T.Subscribe, channel: 1, doc: 'c' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update })
    s.send({ type: T.CheckIn, channel: 1, digest: await updateDigest(update) })
    s.send({ type: T.CheckIn, channel: 1, digest: await updateDigest(textUpdate('tampered', 11)) })
    await waitUntil('two check-in results', () => s.got.filter((m) => m.type === T.CheckInResult).length === 2)
    const results = s.got.filter((m) => m.type === T.CheckInResult).map((m) => (m as { match: boolean }).match)
    expect(results).toEqual([true, false])
  })

  it('requires Hello before anything else', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay, false)
    const closed = new Promise<number>((resolve) => s.ws.once('close', resolve))
    s.send({ type: T.Subscribe, channel: 1, doc: 'x' })
    expect(await closed).toBe(4401)
  })

  it('refuses a malformed Tandem frame by closing the socket with MalformedMessage', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    const closed = new Promise<number>((resolve) => s.ws.once('close', resolve))
    s.ws.send(new Uint8Array([T.DocUpdate, 1, 1, 0xff, 0xff, 0xff, 0x0f]))
    expect(await closed).toBe(4400)
  })

  it('a stock client on the same document never sees extension frames', async () => {
    const { relay } = await setup()
    const raw = new WebSocket(`${relay.url}/mixed`)
    const frames: Uint8Array[] = []
    raw.on('message', (d: Buffer) => frames.push(new Uint8Array(d)))
    await new Promise((resolve) => raw.once('open', resolve))
    cleanups.push(() => raw.terminate())
    const s = await tandemSocket(relay)
    s.send({ type: T.Subscribe, channel: 3, doc: 'mixed' })
    s.send({ type: T.DocUpdate, channel: 3, seq: 1, update: textUpdate('x', 1) })
    s.send({ type: T.CheckIn, channel: 3, digest: new Uint8Array(32) })
    await waitUntil('the stock socket to get the update', () => frames.length >= 2)
    await sleep(50)
    for (const f of frames) expect([MessageType.Sync, MessageType.Awareness]).toContain(decodeMessage(f).type)
  })

  it('acks a write that waits for a dependency only once it integrated, and acks stay in order', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    s.send({ type: T.Subscribe, channel: 1, doc: 'held' })
    const writer = new Y.Doc()
    const updates: Uint8Array[] = []
    writer.on('update', (u: Uint8Array) => updates.push(u))
    writer.getText('t').insert(0, 'a')
    writer.getText('t').insert(1, 'b')
    const acks = () => s.got.filter((m) => m.type === T.Ack).map((m) => (m as { seq: number }).seq)
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: updates[1]! })
    s.send({ type: T.DocUpdate, channel: 1, seq: 2, update: textUpdate('other', 4242) })
    await waitUntil('the independent write to be committed', async () => {
      const state = await (await fetch(`${relay.url.replace('ws:', 'http:')}/v1/docs/held`)).arrayBuffer()
      const d = new Y.Doc()
      Y.applyUpdate(d, new Uint8Array(state))
      return d.getText('t').toString().includes('other')
    })
    await sleep(50)
    // an ack of 2 would claim 1 (acks are cumulative), which is not stored yet
    expect(acks()).toEqual([])
    s.send({ type: T.DocUpdate, channel: 1, seq: 3, update: updates[0]! })
    await waitUntil('all three acked', () => acks().at(-1) === 3)
    expect(acks()).toEqual([1, 2, 3])
  })

  it('closes the channel of a write that does not integrate with InvalidUpdate, storing none of it', async () => {
    const { relay } = await setup()
    const s = await tandemSocket(relay)
    s.send({ type: T.Subscribe, channel: 1, doc: 'poison' })
    s.send({ type: T.DocUpdate, channel: 1, seq: 1, update: textUpdate('fine', 77) })
    await waitUntil('the first write acked', () => s.got.some((m) => m.type === T.Ack))
    s.send({ type: T.DocUpdate, channel: 1, seq: 2, update: throwingUpdates(77, 4)[0]! })
    await waitUntil('the channel closed', () => s.got.some((m) => m.type === T.Error))
    expect(s.got.find((m) => m.type === T.Error)).toMatchObject({ channel: 1, code: CloseCode.InvalidUpdate })
    expect(relay.metrics.value('tandem_unintegrable_updates_total')).toBe(1)
    const fresh = connectClient(relay.url, 'poison')
    cleanups.push(() => fresh.destroy())
    await fresh.synced
    expect(fresh.doc.getText('t').toString()).toBe('fine')
    expect(fresh.doc.store.pendingStructs).toBeNull()
  })
})
