// In real Chromium: an IndexedDB failure shows in the document's status without losing the
// edit. The failure is real: another connection upgrades the client's database to a newer
// version, so every reopen by the client fails with a VersionError (the "blocked upgrade /
// closed database" case of the issue). The edit must still reach the server, `saved` must not
// show while it is unstored, and once storage works again the client must write everything it
// holds: a reload with the server down then shows the full text from IndexedDB alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep } from '../helpers/wait.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-idb-fail')
  relay = await relayOnPort(dataDir)
})

afterAll(async () => {
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

describe('Chromium: IndexedDB failure', () => {
  it('surfaces in status, keeps the edit, syncs it, and stores it once IndexedDB works again', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, relay.url)
    await page.evaluate(() => window.tandemHarness.open({ doc: 'idb-fail' }))
    await page.evaluate(() => window.tandemHarness.append('before. '))
    await waitInPage(page, 'saved', () => window.tandemHarness.status().state === 'saved')

    await page.evaluate(() => window.tandemHarness.breakIndexedDb())
    await page.evaluate(() => window.tandemHarness.append('during failure.'))
    await waitInPage(page, 'the failure shows as lastError', () => window.tandemHarness.status().error !== null)
    const failing = await page.evaluate(() => window.tandemHarness.status())
    expect(failing.error).toMatch(/version/i)
    expect(failing.state).not.toBe('saved')
    expect(failing.pending).toBeGreaterThan(0)
    expect(await page.evaluate(() => window.tandemHarness.text())).toBe('before. during failure.')
    // The network path does not depend on the device: the server has the edit already.
    await waitInPage(page, 'acked by the server', () => {
      const p = window.tandemHarness.progress()
      return p.acked === p.last
    })
    expect(await serverText(relay.url, 'idb-fail')).toBe('before. during failure.')
    await sleep(500)
    expect((await page.evaluate(() => window.tandemHarness.status())).state).not.toBe('saved')

    await page.evaluate(() => window.tandemHarness.repairIndexedDb())
    await waitInPage(
      page,
      'saved with the error cleared after the repair',
      () => {
        const s = window.tandemHarness.status()
        return s.state === 'saved' && s.error === null
      },
      20_000,
    )
    const history = await page.evaluate(() => window.tandemHarness.samples())
    expect(history.filter((s) => s.state === 'saved' && s.error !== null)).toEqual([])
    expect(history.some((s) => s.error !== null)).toBe(true)

    // Only IndexedDB can answer now: the repaired (recreated) database must hold everything.
    await relay.stop()
    await page.reload()
    await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
    expect(await page.evaluate(() => window.tandemHarness.open({ doc: 'idb-fail' }))).toBe('before. during failure.')
    await context.close()
  })

  it('a full device (QuotaExceededError) keeps the edits in memory, says so, and stores them once space is freed', async () => {
    await relay.restart()
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, relay.url)
    await page.evaluate(() => window.tandemHarness.open({ doc: 'quota' }))
    await page.evaluate(() => window.tandemHarness.append('stored. '))
    await waitInPage(page, 'saved', () => window.tandemHarness.status().state === 'saved')

    await page.evaluate(() => window.tandemHarness.fillStorage())
    await page.evaluate(() => window.tandemHarness.append('while full.'))
    await waitInPage(page, 'the status says the device is full', () => window.tandemHarness.status().device === 'full')
    const full = await page.evaluate(() => window.tandemHarness.status())
    expect(full.state).not.toBe('saved')
    expect(full.pending).toBeGreaterThan(0)
    expect(await page.evaluate(() => window.tandemHarness.text())).toBe('stored. while full.')
    // The relay still gets it; only the device copy waits.
    await waitInPage(page, 'acked by the server', () => {
      const p = window.tandemHarness.progress()
      return p.acked === p.last
    })
    await sleep(500)
    expect((await page.evaluate(() => window.tandemHarness.status())).state).not.toBe('saved')

    await page.evaluate(() => window.tandemHarness.freeStorage())
    await waitInPage(
      page,
      'stored and saved once space is freed',
      () => {
        const s = window.tandemHarness.status()
        return s.state === 'saved' && s.device === 'ok'
      },
      20_000,
    )
    await relay.stop()
    await page.reload()
    await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
    expect(await page.evaluate(() => window.tandemHarness.open({ doc: 'quota' }))).toBe('stored. while full.')
    await context.close()
  })
})
