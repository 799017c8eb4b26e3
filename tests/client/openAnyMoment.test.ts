// Documents and record collections opened at any moment of the socket's life all sync: before
// the socket exists, while it connects, once it is connected, while it is down, and after a
// reconnect. A channel opened on a connected socket used to start syncing from inside its own
// constructor (before the handle had its sync assigned), threw, stayed half-registered and
// broke every later reconnect. The schedule is seeded (TANDEM_OPEN_SEED replays it).
import { createLogger, type Relay, startRelay } from '@tandem/server'
import { afterEach, describe, expect, it } from 'vitest'
import { connectClient } from '../helpers/client.ts'
import { chance, createRng, intIn, testSeed } from '../helpers/prng.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function relay(): Promise<Relay> {
  const dir = await makeTempDir('client-open-any')
  const r = await startRelay({ port: 0, dataDir: dir, logger: createLogger('silent') })
  cleanups.push(
    () => removeDir(dir),
    () => r.close(),
  )
  return r
}

describe('@tandem/client: open at any moment of the socket', () => {
  it('syncs every document and collection opened before, during and after connect and around reconnects', async () => {
    const seed = testSeed('open-any-moment', 'TANDEM_OPEN_SEED')
    const rng = createRng(seed)
    const r = await relay()
    const errors: string[] = []
    const t = tandemClient(r.url, { onError: (e) => errors.push(e.message) })
    cleanups.push(() => t.destroy())
    const moments: string[] = []
    const docs: string[] = []
    const collections: string[] = []
    const openOne = (k: number) => {
      moments.push(t.connection.value)
      if (chance(rng, 0.7)) {
        const name = `doc-${k}`
        t.doc(name).doc.getText('t').insert(0, `text ${k}`)
        docs.push(name)
      } else {
        const name = `col-${k}`
        void t.records(name).put('r', { k })
        collections.push(name)
      }
    }
    // The first one before the socket exists at all; the rest on a random schedule that
    // also drops and restores the connection.
    openOne(0)
    for (let k = 1; k < 40; k++) {
      const step = intIn(rng, 0, 9)
      if (step === 0 && t.connection.value === 'connected') t.setOnline(false)
      else if (step === 1) t.setOnline(true)
      else if (step <= 3) {
        t.setOnline(true)
        await waitUntil('connected', () => t.connection.value === 'connected')
      }
      await sleep(intIn(rng, 0, 15))
      openOne(k)
    }
    t.setOnline(true)
    console.log(
      `opened at: ${[...new Set(moments)].map((m) => `${m} ${moments.filter((x) => x === m).length}`).join(', ')}`,
    )
    expect(moments).toContain('connected')

    await Promise.all(docs.map((d) => t.doc(d).whenSaved()))
    for (const c of collections) {
      await waitUntil(`${c} synced with an empty outbox`, () => {
        const s = t.records(c).status.value
        return s.state === 'synced' && s.pending === 0
      })
    }
    // A reconnect after all that still reaches every channel.
    t.setOnline(false)
    t.setOnline(true)
    for (const d of docs) t.doc(d).doc.getText('t').insert(0, '+')
    await Promise.all(docs.map((d) => t.doc(d).whenSaved()))

    for (const d of docs) {
      const stock = connectClient(r.url, d)
      cleanups.push(() => stock.destroy())
      await stock.synced
      expect(stock.doc.getText('t').toString()).toBe(`+text ${d.slice(4)}`)
    }
    const reader = tandemClient(r.url)
    cleanups.push(() => reader.destroy())
    for (const c of collections) {
      const col = reader.records(c)
      await waitUntil(`${c} read back`, () => col.get('r')?.k === Number(c.slice(4)))
    }
    expect(errors.filter((e) => !e.includes('connection'))).toEqual([])
  })
})
