import { join } from 'node:path'
import {
  createLogger,
  type DocStorage,
  PostgresDocStorage,
  type Relay,
  SqliteDocStorage,
  startRelay,
} from '@tandem/server'
import { afterAll, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { syncedClient } from '../helpers/client.ts'
import { danglingOrigin, throwingUpdates } from '../helpers/craftedUpdates.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

/**
 * A document stored by a relay that kept updates without integrating them: a baseline, then
 * an update that parses but makes Yjs throw (and so broke every fresh stock client), and one
 * whose dependency never came. Written through the storage adapter directly, then opened by
 * a relay: it must load repaired, count what it dropped, and commit the repaired state.
 */

const withPostgres = await postgresAvailable()
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {})
})

function fixture(): { base: Uint8Array; poison: Uint8Array[]; text: string } {
  const doc = new Y.Doc()
  doc.clientID = 7
  doc.getText('text').insert(0, 'written before the poison')
  const base = Y.encodeStateAsUpdate(doc)
  const known = doc.getText('text').length
  return {
    base,
    poison: [...throwingUpdates(7, known), danglingOrigin(900, 901, 20)],
    text: doc.getText('text').toString(),
  }
}

const backends: { name: string; run: boolean; open: () => Promise<DocStorage> }[] = [
  {
    name: 'SQLite',
    run: true,
    open: async () => {
      const dir = await makeTempDir('poison')
      cleanups.push(() => removeDir(dir))
      return new SqliteDocStorage({ file: join(dir, 'tandem.sqlite') })
    },
  },
  {
    name: 'PostgreSQL',
    run: withPostgres,
    open: async () => {
      const schema = uniqueSchema('tandem_poison')
      cleanups.push(() => dropSchema(schema))
      return PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 2 })
    },
  },
]

describe.each(backends)('stored poison on $name', ({ run, open }) => {
  it.runIf(run)('loads repaired: the poison is dropped, counted, and the repaired state committed', async () => {
    const { base, poison, text } = fixture()
    // The fixture is what the old relay served: its merged bytes break a stock client.
    expect(() => Y.applyUpdate(new Y.Doc(), Y.mergeUpdates([base, poison[0]!]))).toThrow()
    const storage = await open()
    await storage.append([base, ...poison].map((update) => ({ doc: 'poisoned', update })))
    let relay: Relay | null = await startRelay({ host: '127.0.0.1', port: 0, storage, logger: createLogger('silent') })
    cleanups.push(async () => relay?.close())

    const errors: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.map(String).join(' '))
    })
    const client = await syncedClient(relay.url, 'poisoned').finally(() => spy.mockRestore())
    try {
      expect(errors).toEqual([])
      expect(client.doc.getText('text').toString()).toBe(text)
      expect(relay.metrics.value('tandem_repaired_documents_total')).toBe(1)
      expect(relay.metrics.value('tandem_repaired_updates_total')).toBe(3)
      const stored = await storage.load('poisoned')
      expect(stored.updates, 'the repaired state replaced the log').toEqual([])
      const repaired = new Y.Doc()
      Y.applyUpdate(repaired, stored.snapshot!)
      expect(repaired.getText('text').toString()).toBe(text)
      expect(repaired.store.pendingStructs).toBeNull()
    } finally {
      client.destroy()
      await relay.close()
      relay = null
    }
  })
})
