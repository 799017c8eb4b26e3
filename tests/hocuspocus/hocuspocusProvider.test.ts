// The Hocuspocus protocol on Tandem's port: unchanged `@hocuspocus/provider` clients (the
// current major, 4.x), stock y-websocket and Tandem clients edit one document and converge;
// `unsyncedChanges` reaches 0 only once the relay committed; a bad token reaches the provider's
// onAuthenticationFailed; a read-only token's writes are refused and never stored.
import { join } from 'node:path'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { createLogger, type Relay, SqliteDocStorage, signToken, startRelay } from '@tandem/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { GatedAppendStorage } from '../browser/support/GatedAppendStorage.ts'
import { tandemClient } from '../client/tandemClient.ts'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { createRng, intIn, randomBytes, testSeed } from '../helpers/prng.ts'
import { openRaw } from '../helpers/rawSocket.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

const SECRET = 'hocuspocus-test-secret-0123456789abcdef'
let relay: Relay
let dir: string
let storage: GatedAppendStorage
const cleanups: (() => unknown)[] = []

beforeAll(async () => {
  dir = await makeTempDir('hocuspocus')
  storage = new GatedAppendStorage(new SqliteDocStorage({ file: join(dir, 'tandem.sqlite') }))
  relay = await startRelay({ port: 0, dataDir: dir, storage, logger: createLogger('silent'), auth: { secret: SECRET } })
})
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
  storage?.release()
  await relay?.close()
  await removeDir(dir)
})

const token = (scope: 'read' | 'write' = 'write', docs = ['*']) =>
  signToken(new TextEncoder().encode(SECRET), { sub: `hp-${scope}`, docs, collections: [], scope }, 60_000)

/**
 * A provider on a socket of its own, or on `socket` (one Hocuspocus socket multiplexes many
 * documents, each authenticated by its own token).
 */
function provider(
  name: string,
  tokenValue: string,
  onFailed?: (reason: string) => void,
  socket?: HocuspocusProviderWebsocket,
) {
  const document = new Y.Doc()
  const websocketProvider = socket ?? new HocuspocusProviderWebsocket({ url: relay.url, WebSocketPolyfill: WebSocket })
  const p = new HocuspocusProvider({
    websocketProvider,
    name,
    document,
    token: tokenValue,
    onAuthenticationFailed: ({ reason }) => onFailed?.(reason),
  })
  p.attach()
  cleanups.push(() => {
    p.destroy()
    if (!socket) websocketProvider.destroy()
  })
  return { p, doc: document, socket: websocketProvider }
}

async function serverText(name: string): Promise<string> {
  const c: StockClient = await syncedClient(`${relay.url}`, name, { params: { token: await token('read') } })
  try {
    return c.doc.getText('t').toString()
  } finally {
    c.destroy()
  }
}

describe('Hocuspocus protocol', () => {
  it('Hocuspocus providers and stock y-websocket clients edit one document and converge', async () => {
    const a = provider('shared', await token())
    const b = provider('shared', await token())
    // One socket, two documents: the second document of A's socket syncs on its own.
    const aside = provider('aside', await token(), undefined, a.socket)
    const stock = await syncedClient(relay.url, 'shared', { params: { token: await token() } })
    cleanups.push(() => stock.destroy())
    const tandem = tandemClient(relay.url, { getToken: () => token() })
    cleanups.push(() => tandem.destroy())
    const t = tandem.doc('shared')
    await waitUntil('the providers synced', () => a.p.synced && b.p.synced && aside.p.synced)
    aside.doc.getText('t').insert(0, 'on the same socket')
    a.doc.getText('t').insert(0, 'from hocuspocus A. ')
    stock.doc.getText('t').insert(0, 'from y-websocket. ')
    b.doc.getText('t').insert(0, 'from hocuspocus B. ')
    t.doc.getText('t').insert(0, 'from tandem. ')
    const texts = () => [a.doc, b.doc, stock.doc, t.doc].map((d) => d.getText('t').toString())
    const parts = ['from hocuspocus A. ', 'from y-websocket. ', 'from hocuspocus B. ', 'from tandem. ']
    await waitUntil(
      'all four converge',
      () => new Set(texts()).size === 1 && parts.every((part) => texts()[0]!.includes(part)),
    )
    await waitUntil('nothing unsynced', () => a.p.unsyncedChanges === 0 && b.p.unsyncedChanges === 0)
    expect(await serverText('shared')).toBe(texts()[0])
    await waitUntil('the other document is stored too', () => aside.p.unsyncedChanges === 0)
    expect(await serverText('aside')).toBe('on the same socket')
    // Presence crosses the protocols too.
    a.p.setAwarenessField('user', { name: 'Ann' })
    await waitUntil('the stock client sees Ann', () =>
      [...stock.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string })?.name === 'Ann'),
    )
  })

  it('unsyncedChanges reaches 0 only after the relay committed', async () => {
    const a = provider('acked', await token())
    await waitUntil('synced, nothing unsynced', () => a.p.synced && a.p.unsyncedChanges === 0)
    storage.hold()
    a.doc.getText('t').insert(0, 'held back')
    await waitUntil('the write waits for its commit', () => storage.started > storage.committed.length)
    await sleep(200)
    expect(a.p.unsyncedChanges).toBeGreaterThan(0)
    storage.release()
    await waitUntil('acknowledged after the commit', () => a.p.unsyncedChanges === 0)
    expect(await serverText('acked')).toBe('held back')
  })

  it('a bad token reaches onAuthenticationFailed; a read-only token syncs but its writes are refused', async () => {
    let failed = ''
    const bad = provider('locked', 'not-a-token', (reason) => {
      failed = reason
    })
    await waitUntil('authentication failed', () => failed !== '')
    expect(failed).toMatch(/invalid token/)
    expect(bad.p.synced).toBe(false)
    let other = ''
    provider('locked', await token('write', ['elsewhere/*']), (reason) => {
      other = reason
    })
    await waitUntil('a token for another document is refused', () => other !== '')

    const writer = provider('readonly-doc', await token())
    writer.doc.getText('t').insert(0, 'original')
    await waitUntil('stored', () => writer.p.unsyncedChanges === 0)
    const reader = provider('readonly-doc', await token('read'))
    await waitUntil('the reader syncs', () => reader.p.synced && reader.doc.getText('t').toString() === 'original')
    expect(reader.p.authorizedScope).toBe('readonly')
    reader.doc.getText('t').insert(0, 'vandalism ')
    await sleep(300)
    expect(reader.p.unsyncedChanges).toBeGreaterThan(0)
    expect(await serverText('readonly-doc')).toBe('original')
    expect(writer.doc.getText('t').toString()).toBe('original')
  })
})

describe('Hocuspocus protocol, bad input', () => {
  it('random frames close only their own socket, with a named code; providers go on', async () => {
    const seed = testSeed('hocuspocus hostile')
    const rng = createRng(seed)
    const live = provider('survivor', await token())
    await waitUntil('the survivor synced', () => live.p.synced)
    const codes = new Map<number | string, number>()
    for (let i = 0; i < 40; i++) {
      const raw = await openRaw(`${relay.url}/`)
      const frame = randomBytes(rng, intIn(rng, 1, 30))
      raw.ws.send(frame)
      const outcome = await Promise.race([raw.closed.then((c) => c.code), sleep(300).then(() => 'open' as const)])
      raw.ws.terminate()
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1)
      if (outcome !== 'open') expect(outcome, `seed ${seed}, frame ${i}`).toBeGreaterThanOrEqual(4000)
    }
    console.log(`hocuspocus hostile (seed ${seed}): ${JSON.stringify([...codes])}`)
    live.doc.getText('t').insert(0, 'still here')
    await waitUntil('the survivor still commits', () => live.p.unsyncedChanges === 0)
    expect(await serverText('survivor')).toBe('still here')
  })
})
