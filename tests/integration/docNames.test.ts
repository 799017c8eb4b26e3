import { afterAll, beforeAll, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { startTestRelay, type TestRelay } from '../helpers/relay.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * The document is selected by the URL-decoded path; the query string is not part of the name
 * (later issues put tokens there, and a token must not fork the document).
 */

let relay: TestRelay
const clients: StockClient[] = []

beforeAll(async () => {
  relay = await startTestRelay()
})

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay.stop()
})

async function client(name: string, params: Record<string, string> = {}) {
  const c = await syncedClient(relay.url, name, { params })
  clients.push(c)
  return c
}

it('ignores the query string when picking the document', async () => {
  const a = await client('query-doc', { token: 'abc' })
  const b = await client('query-doc')
  a.doc.getText('text').insert(0, 'same document')
  await waitUntil("b sees a's edit", () => b.doc.getText('text').toString() === 'same document')
})

it('URL-decodes the path: an encoded and a raw name are one document', async () => {
  const encoded = await client('notes%2F2026%20plan')
  const raw = await client('notes/2026 plan')
  encoded.doc.getText('text').insert(0, 'decoded')
  await waitUntil('the raw-named client sees the edit', () => raw.doc.getText('text').toString() === 'decoded')
  // a different name is a different document
  const other = await client('notes/2026%2520plan')
  expect(other.doc.getText('text').toString()).toBe('')
})
