import { parseMutationResults } from '@tandem/records'
import * as Y from 'yjs'
import { IndexedDbDocStore } from './IndexedDbDocStore.ts'
import { IndexedDbRecordStore } from './records/IndexedDbRecordStore.ts'

export interface FlushPendingOptions {
  /** The relay's URL, as given to createTandem (ws:// or wss://): it names the device stores too. */
  url: string
  /** The token for the relay's REST API (write access to the documents and collections). */
  getToken?: () => string | Promise<string>
  fetch?: typeof fetch
  indexedDB?: IDBFactory
}

export interface FlushReport {
  /** Documents whose unacked state the relay committed. */
  docs: string[]
  /** Mutations the relay applied or already had (idempotent ids). */
  mutations: number
  /** What could not be sent, by document or collection; retried by the next sync or open. */
  failures: { target: string; status: number | null; message: string }[]
}

/**
 * Sends what the device holds that the relay may lack, over REST, with no tab open: for a
 * service worker's Background Sync. Each document with unacked local changes is posted whole
 * (the relay integrates only what it lacks), and each collection's outbox with its mutation
 * ids (the relay answers a mutation it already has as a duplicate). Nothing on the device is
 * changed: the next open acks what was sent, and shows what was refused (a stale write as a
 * conflict). Resolves with a report; rejects only when the device stores cannot be opened.
 */
export async function flushPending(options: FlushPendingOptions): Promise<FlushReport> {
  const http = options.url.replace(/^ws(s?):/, 'http$1:').replace(/\/+$/, '')
  const fetchFn = options.fetch ?? globalThis.fetch
  const token = (await options.getToken?.()) ?? ''
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  const report: FlushReport = { docs: [], mutations: 0, failures: [] }
  const post = async (target: string, path: string, contentType: string, body: BodyInit) => {
    try {
      const res = await fetchFn(`${http}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...auth },
        body,
      })
      if (res.ok) return res
      report.failures.push({ target, status: res.status, message: await res.text().catch(() => '') })
    } catch (err) {
      report.failures.push({ target, status: null, message: (err as Error).message })
    }
    return null
  }

  const docs = new IndexedDbDocStore({ name: `tandem:${options.url}`, indexedDB: options.indexedDB })
  try {
    for (const doc of await docs.unackedDocs()) {
      const stored = await docs.load(doc)
      const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]
      if (parts.length === 0) continue
      const body = new Uint8Array(Y.mergeUpdates(parts))
      const path = `/v1/docs/${encodeURIComponent(doc)}`
      if (await post(`doc:${doc}`, path, 'application/octet-stream', body)) report.docs.push(doc)
    }
  } finally {
    docs.close()
  }

  const records = new IndexedDbRecordStore({ name: `tandem-records:${options.url}`, indexedDB: options.indexedDB })
  try {
    for (const collection of await records.outboxCollections()) {
      const outbox = await records.loadOutbox(collection)
      const mutations = outbox.map((e) => e.entry.mutation)
      if (mutations.length === 0) continue
      const res = await post(
        `records:${collection}`,
        `/v1/records/${encodeURIComponent(collection)}`,
        'application/json',
        JSON.stringify({ mutations }),
      )
      if (!res) continue
      const results = parseMutationResults(await res.text())
      report.mutations += results.filter((r) => r.status === 'applied' || r.status === 'duplicate').length
    }
  } finally {
    records.close()
  }
  return report
}
