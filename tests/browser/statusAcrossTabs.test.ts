// In real Chromium: the status tells the truth across reloads and tabs. A reload with nothing
// pending shows 0 pending (the stored state is not counted again); a tab that only received
// another tab's edits over BroadcastChannel neither says saved while the server lacks them nor
// leaves them unsent; offline edits reloaded while another tab is open still count as pending.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-status-tabs')
  relay = await relayOnPort(dataDir)
})

afterAll(async () => {
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

const saved = (page: Page) => waitInPage(page, 'saved', () => window.tandemHarness.status().state === 'saved', 15_000)

async function reopen(page: Page, doc: string): Promise<string> {
  await page.reload()
  await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
  return page.evaluate((name) => window.tandemHarness.open({ doc: name }), doc)
}

describe('Chromium: status across reloads and tabs', () => {
  it('a reload with nothing pending shows 0 pending from the start, then saved', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, relay.url)
    await page.evaluate(() => window.tandemHarness.open({ doc: 'clean-reload' }))
    await page.evaluate(() => window.tandemHarness.append('all synced'))
    await saved(page)
    expect(await reopen(page, 'clean-reload')).toBe('all synced')
    await saved(page)
    const history = await page.evaluate(() => window.tandemHarness.samples())
    expect(history.filter((s) => s.pending !== 0)).toEqual([])
    expect(await page.evaluate(() => window.tandemHarness.status())).toMatchObject({ state: 'saved', pending: 0 })
    await context.close()
  })

  it('with one tab offline, the online tab forwards its edits and says saved only once the server has them', async () => {
    const context = await rig.browser.newContext()
    const [a, b] = [await rig.openTab(context, relay.url), await rig.openTab(context, relay.url)]
    for (const tab of [a, b]) await tab.evaluate(() => window.tandemHarness.open({ doc: 'one-offline' }))
    for (const tab of [a, b]) await saved(tab)
    await a.evaluate(() => window.tandemHarness.setOnline(false))
    await a.evaluate(() => window.tandemHarness.append('typed in the offline tab'))
    await waitInPage(b, 'B shows A’s edit', () => window.tandemHarness.text() === 'typed in the offline tab')
    await saved(b)
    // B says saved: the server must hold what B shows.
    expect(await serverText(relay.url, 'one-offline')).toBe('typed in the offline tab')
    for (const s of await b.evaluate(() => window.tandemHarness.samples())) {
      if (s.state === 'saved') expect(s.progress.acked, 'saved before the server acked').toBe(s.progress.last)
    }
    expect((await a.evaluate(() => window.tandemHarness.status())).state).toBe('offline')
    await context.close()
  })

  it('offline edits reloaded while another tab is open count as pending until the server acks them', async () => {
    const context = await rig.browser.newContext()
    const [a, b] = [await rig.openTab(context, relay.url), await rig.openTab(context, relay.url)]
    for (const tab of [a, b]) await tab.evaluate(() => window.tandemHarness.open({ doc: 'reload-beside' }))
    for (const tab of [a, b]) await saved(tab)
    await relay.stop()
    await a.evaluate(() => window.tandemHarness.append('offline, then reloaded'))
    await waitInPage(a, 'stored', () => window.tandemHarness.progress().stored === 1)
    await waitInPage(b, 'B shows it', () => window.tandemHarness.text() === 'offline, then reloaded')
    expect(await reopen(a, 'reload-beside')).toBe('offline, then reloaded')
    await waitInPage(a, 'the reloaded tab counts the edit', () => window.tandemHarness.status().pending > 0, 3_000)
    expect((await b.evaluate(() => window.tandemHarness.status())).pending).toBeGreaterThan(0)
    await relay.restart()
    for (const tab of [a, b]) await saved(tab)
    expect(await serverText(relay.url, 'reload-beside')).toBe('offline, then reloaded')
    await context.close()
  })
})
