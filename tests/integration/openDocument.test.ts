import { join } from 'node:path'
import { createLogger, type Relay, SqliteDocStorage, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { GatedAppendStorage } from '../browser/support/GatedAppendStorage.ts'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/** relay.openDocument: a Y.Doc held by server code, written through the same gate as clients. */

const relays: Relay[] = []
const clients: StockClient[] = []
let dir: string | undefined

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const r of relays.splice(0)) await r.close()
  if (dir) await removeDir(dir)
})

async function relayOn(dataDir: string, storage?: GatedAppendStorage): Promise<Relay> {
  const relay = await startRelay({ logger: createLogger('silent'), port: 0, dataDir, storage, roomIdleMs: 50 })
  relays.push(relay)
  return relay
}

it('broadcasts a server edit only once committed, receives client edits, and leaves on close', async () => {
  dir = await makeTempDir('open-doc')
  const storage = new GatedAppendStorage(new SqliteDocStorage({ file: join(dir, 'tandem.sqlite') }))
  const relay = await relayOn(dir, storage)
  const a = await syncedClient(relay.url, 'bot-doc')
  clients.push(a)
  a.doc.getText('text').insert(0, 'hello')
  await waitUntil('the client edit is committed', () => storage.committed.length > 0)

  const bot = await relay.openDocument('bot-doc')
  // It opens with what is committed.
  expect(bot.doc.getText('text').toString()).toBe('hello')

  storage.hold()
  bot.doc.getText('text').insert(5, ' from the bot')
  await waitUntil('the bot edit waits for its commit', () => storage.started > storage.committed.length)
  expect(a.doc.getText('text').toString()).toBe('hello')
  storage.release()
  await bot.committed()
  await waitUntil('the client sees the bot edit', () => a.doc.getText('text').toString() === 'hello from the bot')

  // Clients saw it because it is stored: a second relay on the same data serves it.
  const fresh = await relayOn(dir)
  const reader = await syncedClient(fresh.url, 'bot-doc')
  clients.push(reader)
  expect(reader.doc.getText('text').toString()).toBe('hello from the bot')

  a.doc.getText('text').insert(0, '> ')
  await waitUntil('the bot sees the client edit', () => bot.doc.getText('text').toString() === '> hello from the bot')

  bot.close()
  expect(bot.open).toBe(false)
  bot.doc.getText('text').insert(0, 'gone ')
  a.doc.getText('map').insert(0, 'after')
  const b = await syncedClient(relay.url, 'bot-doc')
  clients.push(b)
  // Writes commit in order: had the closed document's edit been sent, it would be here first.
  await waitUntil('a later client edit arrives', () => b.doc.getText('map').toString() === 'after')
  expect(b.doc.getText('text').toString()).toBe('> hello from the bot')
  expect(bot.doc.getText('map').toString()).toBe('')

  // With its clients gone the room is evicted: the closed document no longer holds it.
  a.destroy()
  b.destroy()
  await waitUntil('the room is evicted', () => relay.stats().rooms === 0)
})

it('refuses an invalid name and opens nothing once the relay closes', async () => {
  dir = await makeTempDir('open-doc')
  const relay = await relayOn(dir)
  await expect(relay.openDocument('')).rejects.toThrow(RangeError)
  const bot = await relay.openDocument('doc')
  bot.doc.getText('t').insert(0, 'kept')
  await relay.close()
  // Closing the relay committed the edit and ended the membership.
  expect(bot.open).toBe(false)
  await bot.committed()
  await expect(relay.openDocument('doc')).rejects.toThrow(/closing/)
  const again = await relayOn(dir)
  const reader = await syncedClient(again.url, 'doc')
  clients.push(reader)
  expect(reader.doc.getText('t').toString()).toBe('kept')
})
