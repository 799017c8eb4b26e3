import { afterEach, beforeEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { docFingerprint, type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { waitUntil } from '../helpers/wait.ts'

/** The base promise of the relay: stock y-websocket clients on one document end up equal. */

let relay: TestRelay
const clients: StockClient[] = []
const shape = { text: ['text'], map: ['map'] }

beforeEach(async () => {
  relay = await startTestRelay()
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay.stop()
})

async function client(doc: string): Promise<StockClient> {
  const c = await syncedClient(relay.url, doc)
  clients.push(c)
  return c
}

const same = (a: StockClient, b: StockClient) =>
  docFingerprint(a.doc, shape) === docFingerprint(b.doc, shape) &&
  Buffer.from(Y.encodeStateVector(a.doc)).equals(Buffer.from(Y.encodeStateVector(b.doc)))

it('relays Y.Text and Y.Map edits between two clients', async () => {
  const a = await client('converge')
  const b = await client('converge')
  a.doc.getText('text').insert(0, 'hello')
  await waitUntil("b sees a's text", () => b.doc.getText('text').toString() === 'hello')
  b.doc.getText('text').insert(5, ' world')
  b.doc.getMap('map').set('color', 'blue')
  await waitUntil("a sees b's edits", () => a.doc.getMap('map').get('color') === 'blue')
  expect(a.doc.getText('text').toString()).toBe('hello world')
  expect(same(a, b)).toBe(true)
})

it('merges concurrent edits from both clients into the same state', async () => {
  const a = await client('concurrent')
  const b = await client('concurrent')
  // both edit in one tick, before either hears of the other
  for (let i = 0; i < 50; i++) {
    a.doc.getText('text').insert(0, 'a')
    b.doc.getText('text').insert(0, 'b')
    a.doc.getMap('map').set(`k${i % 5}`, `a${i}`)
    b.doc.getMap('map').set(`k${i % 5}`, `b${i}`)
  }
  await waitUntil('both clients hold the same state', () => same(a, b))
  const text = a.doc.getText('text').toString()
  expect(text).toHaveLength(100)
  expect(text.replaceAll('b', '')).toBe('a'.repeat(50))
  expect(Object.keys(a.doc.getMap('map').toJSON()).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])
})

it('gives a client that joins later everything written before', async () => {
  const a = await client('late')
  const b = await client('late')
  a.doc.getText('text').insert(0, 'written before')
  a.doc.getMap('map').set('n', 1)
  await waitUntil("b sees a's edits", () => b.doc.getMap('map').get('n') === 1)
  const c = await client('late')
  expect(docFingerprint(c.doc, shape)).toBe(docFingerprint(a.doc, shape))
})

it('keeps documents apart', async () => {
  const a = await client('room-1')
  const b = await client('room-2')
  const a2 = await client('room-1')
  a.doc.getText('text').insert(0, 'only room 1')
  await waitUntil('a2 sees the edit', () => a2.doc.getText('text').toString() === 'only room 1')
  expect(b.doc.getText('text').toString()).toBe('')
})
