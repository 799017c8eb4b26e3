import { PostgresDocStorage } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { waitUntil } from '../helpers/wait.ts'

const available = await postgresAvailable()
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function twoInstances(): Promise<[PostgresDocStorage, PostgresDocStorage]> {
  const schema = uniqueSchema('tandem_lease_st')
  cleanups.push(() => dropSchema(schema))
  const open = async () => {
    const s = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 2 })
    cleanups.push(() => s.close())
    return s
  }
  return [await open(), await open()]
}

const text = (s: string) => {
  const d = new Y.Doc()
  d.getText('t').insert(0, s)
  return Y.encodeStateAsUpdate(d)
}

describe.runIf(available)('PostgreSQL compaction lease', () => {
  it('is held by one instance at a time, and a lost lease fences its holder out', async () => {
    const [a, b] = await twoInstances()
    await a.append([{ doc: 'd', update: text('one') }])
    const tokenA = await a.acquireCompactionLease('d', 'a', 300)
    expect(tokenA).not.toBeNull()
    expect(await b.acquireCompactionLease('d', 'b', 300)).toBeNull()
    const loadedA = await a.load('d')

    // A is "paused" past its lease: B takes it and checkpoints with a newer token.
    let tokenB: number | null = null
    await waitUntil('the lease to expire', async () => {
      tokenB = await b.acquireCompactionLease('d', 'b', 30_000)
      return tokenB !== null
    })
    expect(tokenB!).toBeGreaterThan(tokenA!)
    await b.append([{ doc: 'd', update: text('two') }])
    const loadedB = await b.load('d')
    const snapshotB = text('B')
    await b.compact('d', snapshotB, loadedB.head, tokenB!)

    // The same position as B's would pass the position fence; the token refuses it.
    await expect(a.compact('d', text('A'), loadedB.head, tokenA!)).rejects.toMatchObject({ name: 'FencedOut' })
    await expect(a.compact('d', text('A'), loadedA.head, tokenA!)).rejects.toMatchObject({ name: 'FencedOut' })
    const after = await a.load('d')
    expect(after.snapshot).toEqual(snapshotB)
    expect(after.head).toBe(loadedB.head)

    // Released early, the next grant takes the next token at once.
    await b.releaseCompactionLease('d', tokenB!)
    expect(await a.acquireCompactionLease('d', 'a', 300)).toBe(tokenB! + 1)
  })
})
