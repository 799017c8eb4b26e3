// In real Chromium: a document survives a page reload while the server is down. The page is
// served by a separate static server, so only the relay goes away; after the reload the text
// can only come from IndexedDB. When the relay is back, the offline edit reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-reload')
  relay = await relayOnPort(dataDir)
})

afterAll(async () => {
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

describe('Chromium: reload with the server down', () => {
  it('reopens the document from IndexedDB, then syncs the offline edit when the relay returns', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, relay.url)
    expect(await page.evaluate(() => window.tandemHarness.open({ doc: 'reload' }))).toBe('')
    await page.evaluate(() => window.tandemHarness.append('typed online. '))
    await waitInPage(page, 'saved', () => window.tandemHarness.status().state === 'saved')

    await relay.stop()
    await waitInPage(page, 'not saved once the relay is gone', () => window.tandemHarness.status().state !== 'saved')
    await page.evaluate(() => window.tandemHarness.append('typed offline.'))
    // Committed in IndexedDB (not merely queued) before the tab goes away.
    await waitInPage(page, 'the offline edit is stored', () => {
      const p = window.tandemHarness.progress()
      return p.stored === p.last
    })
    expect((await page.evaluate(() => window.tandemHarness.status())).state).not.toBe('saved')

    await page.reload()
    await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
    const reopened = await page.evaluate(() => window.tandemHarness.open({ doc: 'reload' }))
    expect(reopened).toBe('typed online. typed offline.')
    const status = await page.evaluate(() => window.tandemHarness.status())
    expect(status.loaded).toBe(true)
    expect(['offline', 'connecting']).toContain(status.state)

    await relay.restart()
    await waitInPage(
      page,
      'saved after the relay is back',
      () => window.tandemHarness.status().state === 'saved',
      15_000,
    )
    expect(await serverText(relay.url, 'reload')).toBe('typed online. typed offline.')
    await context.close()
  })
})
