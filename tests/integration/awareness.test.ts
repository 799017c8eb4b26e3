import { afterEach, beforeEach, it } from 'vitest'
import { dropConnection, type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * Presence (carets, names) travels as awareness. The relay must forward it, hand existing
 * presence to newcomers, and, when a connection dies without saying goodbye, tell the others
 * that client is gone: stock clients only time a silent peer out after 30 s.
 */

let relay: TestRelay
const clients: StockClient[] = []

beforeEach(async () => {
  relay = await startTestRelay()
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay.stop()
})

async function client(): Promise<StockClient> {
  const c = await syncedClient(relay.url, 'presence')
  clients.push(c)
  return c
}

const userOf = (observer: StockClient, subject: StockClient): unknown =>
  (observer.provider.awareness.getStates().get(subject.doc.clientID) as { user?: unknown } | undefined)?.user

it('relays awareness both ways', async () => {
  const a = await client()
  const b = await client()
  a.provider.awareness.setLocalStateField('user', 'alice')
  b.provider.awareness.setLocalStateField('user', 'bob')
  await waitUntil('b sees alice', () => userOf(b, a) === 'alice', { timeoutMs: 5_000 })
  await waitUntil('a sees bob', () => userOf(a, b) === 'bob', { timeoutMs: 5_000 })
  a.provider.awareness.setLocalStateField('user', 'alice (moved)')
  await waitUntil('b sees the change', () => userOf(b, a) === 'alice (moved)', { timeoutMs: 5_000 })
})

it('gives a late joiner the presence of those already there', async () => {
  const a = await client()
  a.provider.awareness.setLocalStateField('user', 'alice')
  const b = await client()
  await waitUntil('b sees alice', () => userOf(b, a) === 'alice', { timeoutMs: 5_000 })
  // the newcomer's own presence still reaches the old-timer
  b.provider.awareness.setLocalStateField('user', 'bob')
  await waitUntil('a sees bob', () => userOf(a, b) === 'bob', { timeoutMs: 5_000 })
})

it('removes the presence of a client whose connection dropped, for everyone else', async () => {
  const a = await client()
  const b = await client()
  const c = await client()
  a.provider.awareness.setLocalStateField('user', 'alice')
  await waitUntil('b and c see alice', () => userOf(b, a) === 'alice' && userOf(c, a) === 'alice', {
    timeoutMs: 5_000,
  })
  dropConnection(a)
  // well under the 30 s a stock client waits before timing a silent peer out itself
  await waitUntil(
    'alice is gone for b and c',
    () =>
      !b.provider.awareness.getStates().has(a.doc.clientID) && !c.provider.awareness.getStates().has(a.doc.clientID),
    { timeoutMs: 5_000 },
  )
  // the others are still present for each other
  b.provider.awareness.setLocalStateField('user', 'bob')
  await waitUntil('c still sees bob', () => userOf(c, b) === 'bob', { timeoutMs: 5_000 })
})
