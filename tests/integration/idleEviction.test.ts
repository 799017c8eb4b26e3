import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient, docFingerprint, type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

/**
 * A room with no connections leaves memory after `roomIdleMs`, and only after its writes are
 * committed. Seen from outside: leave right after writing, wait past the idle time, come back,
 * and the first sync holds everything, again and again.
 */

const IDLE_MS = 150
const shape = { text: ['text'], array: ['ids'] }
let relay: TestRelay | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay?.stop()
})

it('serves everything written before the room was evicted, over several evictions', async () => {
  relay = await startTestRelay({ roomIdleMs: IDLE_MS })
  let expected = docFingerprint(new Y.Doc(), shape)
  for (let round = 0; round < 4; round++) {
    let atFirstSync = ''
    const writer = connectClient(relay.url, 'idle-doc', {
      onFirstSync: (doc) => {
        atFirstSync = docFingerprint(doc, shape)
      },
    })
    const reader = await syncedClient(relay.url, 'idle-doc')
    clients.push(writer, reader)
    await waitUntil('the writer synced', () => writer.provider.synced)
    expect(atFirstSync).toBe(expected)
    for (let i = 0; i < 50; i++) writer.doc.getArray<string>('ids').push([`r${round}-${i}`])
    writer.doc.getText('text').insert(0, `round ${round}\n`)
    expected = docFingerprint(writer.doc, shape)
    await waitUntil('the reader has the round', () => docFingerprint(reader.doc, shape) === expected)
    // leave together, right away, then stay away past the idle time
    for (const c of clients.splice(0)) c.destroy()
    await sleep(IDLE_MS * 4)
  }
  expect(JSON.parse(expected)['array:ids']).toHaveLength(200)
})
