import { decodeSyncToken, type LwwRecord, type Mutation } from '@tandem/records'

/** Helpers that speak the records REST API directly, for server-side tests. */

let n = 0
export function stamp(node = 'tester', wall = Date.now()) {
  return { wall, counter: n++ % 60_000, node }
}

export function setMutation(
  recordId: string,
  fields: Record<string, unknown>,
  options: { id?: string; node?: string; wall?: number; base?: Record<string, unknown>; collection?: string } = {},
): Mutation {
  const s = stamp(options.node, options.wall)
  return {
    id: options.id ?? `m-${Math.random().toString(36).slice(2)}`,
    collection: options.collection ?? 'tasks',
    recordId,
    op: 'set',
    fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { value: v, stamp: s }])),
    ...(options.base ? { base: options.base } : {}),
  } as Mutation
}

export function deleteMutation(recordId: string, collection = 'tasks'): Mutation {
  return { id: `d-${Math.random().toString(36).slice(2)}`, collection, recordId, op: 'delete', stamp: stamp() }
}

export interface Page {
  changes: LwwRecord[]
  token: string
  reset: boolean
  more: boolean
}

export const seqOf = (token: string) => decodeSyncToken(token).seq

/** Every page from `since` until `more` is false; returns the pages and the bytes of their bodies. */
export async function pullAll(
  http: string,
  collection: string,
  since = '',
  headers: Record<string, string> = {},
  limit = 1000,
): Promise<{ pages: Page[]; bytes: number; records: Map<string, LwwRecord>; token: string }> {
  const pages: Page[] = []
  const records = new Map<string, LwwRecord>()
  let bytes = 0
  let token = since
  for (let i = 0; i < 10_000; i++) {
    const url = `${http}/v1/records/${collection}?since=${encodeURIComponent(token)}&limit=${limit}`
    const res = await fetch(url, { headers })
    if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${await res.text()}`)
    const text = await res.text()
    bytes += text.length
    const page = JSON.parse(text) as Page
    pages.push(page)
    for (const r of page.changes) records.set(r.id, r)
    token = page.token
    if (!page.more) break
  }
  return { pages, bytes, records, token }
}
