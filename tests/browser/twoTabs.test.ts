// In real Chromium: two tabs of one browser (two pages, one context) keep a document in step
// over BroadcastChannel while the server is unreachable, presence included. Both tabs open the
// document before anything is typed, so nothing can arrive through a load from IndexedDB:
// every character the other tab shows crossed the BroadcastChannel live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-tabs')
  relay = await relayOnPort(dataDir)
  // The relay exists only to give the tabs a real URL; it is down for the whole exchange.
  await relay.stop()
})

afterAll(async () => {
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

describe('Chromium: two tabs with the server down', () => {
  it('exchange edits and presence over BroadcastChannel, then both sync when the relay is up', async () => {
    const context = await rig.browser.newContext()
    const a = await rig.openTab(context, relay.url)
    const b = await rig.openTab(context, relay.url)
    await a.evaluate(() => window.tandemHarness.open({ doc: 'tabs', user: { name: 'Ada', color: '#f00' } }))
    await b.evaluate(() => window.tandemHarness.open({ doc: 'tabs', user: { name: 'Bob', color: '#00f' } }))
    for (const tab of [a, b]) {
      expect(['offline', 'connecting']).toContain(await tab.evaluate(() => window.tandemHarness.connection()))
    }

    await a.evaluate(() => window.tandemHarness.append('from A. '))
    await waitInPage(b, 'tab B shows A’s edit', () => window.tandemHarness.text() === 'from A. ', 5_000)
    await b.evaluate(() => window.tandemHarness.append('from B.'))
    await waitInPage(a, 'tab A shows B’s edit', () => window.tandemHarness.text() === 'from A. from B.', 5_000)
    // Concurrent edits in both tabs converge.
    await Promise.all([
      a.evaluate(() => window.tandemHarness.insert(0, '[a]')),
      b.evaluate(() => window.tandemHarness.insert(0, '[b]')),
    ])
    await waitInPage(a, 'A has both inserts', () => window.tandemHarness.text().length === 21, 5_000)
    await waitInPage(b, 'B has both inserts', () => window.tandemHarness.text().length === 21, 5_000)
    const text = await a.evaluate(() => window.tandemHarness.text())
    expect(await b.evaluate(() => window.tandemHarness.text())).toBe(text)

    await waitInPage(a, 'A sees Bob', () => window.tandemHarness.users().includes('Bob'), 5_000)
    await waitInPage(b, 'B sees Ada', () => window.tandemHarness.users().includes('Ada'), 5_000)
    for (const tab of [a, b]) {
      expect((await tab.evaluate(() => window.tandemHarness.status())).state).not.toBe('saved')
    }

    await relay.restart()
    await waitInPage(a, 'A saved', () => window.tandemHarness.status().state === 'saved', 15_000)
    await waitInPage(b, 'B saved', () => window.tandemHarness.status().state === 'saved', 15_000)
    expect(await serverText(relay.url, 'tabs')).toBe(text)
    await context.close()
  })
})
