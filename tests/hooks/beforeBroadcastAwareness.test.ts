// beforeBroadcastAwareness against a real relay on port 0 with stock y-websocket clients: it can
// rewrite presence (others, and clients joining later, get only the rewritten state) or drop
// it; a filter that throws drops the message rather than leak it.
import { createLogger, type Relay, startRelay } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'

let relay: Relay | undefined
let dir: string | undefined
const clients: StockClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await relay?.close()
  if (dir) await removeDir(dir)
})

const stateOf = (watcher: StockClient, of: StockClient) =>
  watcher.provider.awareness.getStates().get(of.doc.clientID) as Record<string, unknown> | undefined

it('rewrites and drops presence for everyone, joiners included; a throwing filter drops', async () => {
  dir = await makeTempDir('awareness-hook')
  relay = await startRelay({
    port: 0,
    dataDir: dir,
    logger: createLogger('silent'),
    hooks: {
      beforeBroadcastAwareness: ({ documentName, entries }) => {
        if (documentName === 'silent') return null
        if (documentName === 'buggy') throw new Error('filter bug')
        // Strip the e-mail address from every state (the JSON text clients sent).
        return entries.map((e) => {
          if (e.state === 'null') return e
          const { email: _email, ...rest } = JSON.parse(e.state) as Record<string, unknown>
          return { ...e, state: JSON.stringify(rest) }
        })
      },
    },
  })
  const [a, b] = [await syncedClient(relay.url, 'team'), await syncedClient(relay.url, 'team')]
  clients.push(a, b)
  a.provider.awareness.setLocalStateField('user', { name: 'Ann', email: 'ann@example.com' })
  a.provider.awareness.setLocalStateField('email', 'ann@example.com')
  await waitUntil('B sees Ann', () => (stateOf(b, a)?.user as { name?: string })?.name === 'Ann')
  expect(stateOf(b, a)).not.toHaveProperty('email')
  const late = await syncedClient(relay.url, 'team')
  clients.push(late)
  await waitUntil('a joiner sees Ann', () => stateOf(late, a) !== undefined)
  expect(stateOf(late, a)).not.toHaveProperty('email')

  for (const name of ['silent', 'buggy']) {
    const [x, y] = [await syncedClient(relay.url, name), await syncedClient(relay.url, name)]
    clients.push(x, y)
    x.provider.awareness.setLocalStateField('user', { name: 'Xena' })
    y.doc.getText('t').insert(0, 'the document still syncs')
    await waitUntil(`${name}: the edit arrives`, () => x.doc.getText('t').length > 0)
    await sleep(200)
    expect(stateOf(y, x), `${name}: presence was dropped`).toBeUndefined()
  }
  expect(
    relay.metrics.value('tandem_hook_failures_total', { hook: 'beforeBroadcastAwareness', reason: 'error' }),
  ).toBeGreaterThanOrEqual(1)
})
