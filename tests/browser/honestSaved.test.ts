// In real Chromium: `saved` never shows while a local change is only in memory or not yet acked
// by the server. The page records the status at every status change and right after every
// local edit; the relay's commits (and with them its acks) or the page's IndexedDB commits are
// held back on purpose, and the recorded history must never claim `saved` during the hold.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { sleep } from '../helpers/wait.ts'
import type { StatusSample } from './harness/harness.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { GatedAppendStorage } from './support/GatedAppendStorage.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string
let storage: GatedAppendStorage
let holdOnStart = false

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-saved')
  relay = await relayOnPort(dataDir, (inner) => {
    storage = new GatedAppendStorage(inner)
    if (holdOnStart) storage.hold()
    return storage
  })
})

afterAll(async () => {
  storage?.release()
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

const samples = (page: Page) => page.evaluate(() => window.tandemHarness.samples())
const savedIn = (list: StatusSample[]) => list.filter((s) => s.state === 'saved')

/** Whatever else happened: a `saved` sample has every local change stored and acked. */
function expectHonest(list: StatusSample[]): void {
  for (const s of savedIn(list)) {
    expect(s, 'saved with unfinished changes').toMatchObject({ pending: 0 })
    expect(s.progress.stored, 'saved before the device commit').toBe(s.progress.last)
    expect(s.progress.acked, 'saved before the server ack').toBe(s.progress.last)
  }
}

async function openDoc(doc: string): Promise<Page> {
  const context = await rig.browser.newContext()
  const page = await rig.openTab(context, relay.url)
  await page.evaluate((name) => window.tandemHarness.open({ doc: name }), doc)
  await waitInPage(page, 'first saved', () => window.tandemHarness.status().state === 'saved')
  return page
}

describe('Chromium: saved is honest', () => {
  it('is not saved while the server has not committed (and so not acked) the edits', async () => {
    const page = await openDoc('held-acks')
    const before = (await samples(page)).length
    storage.hold()
    for (const ch of 'hello') await page.evaluate((c) => window.tandemHarness.append(c), ch)
    await waitInPage(page, 'all five stored on the device', () => window.tandemHarness.progress().stored === 5)
    await sleep(500)
    const held = (await samples(page)).slice(before)
    expect(held.length).toBeGreaterThanOrEqual(5)
    expect(savedIn(held)).toEqual([])
    expect(await page.evaluate(() => window.tandemHarness.status())).toMatchObject({ state: 'syncing', pending: 5 })

    const releasedAt = Date.now()
    storage.release()
    await waitInPage(page, 'saved after the commit', () => window.tandemHarness.status().state === 'saved')
    const after = (await samples(page)).slice(before)
    const firstCommit = storage.committed.find((c) => c.at >= releasedAt)
    expect(firstCommit).toBeDefined()
    for (const s of savedIn(after)) expect(s.t).toBeGreaterThanOrEqual(firstCommit?.at ?? Number.POSITIVE_INFINITY)
    expectHonest(after)
    expect(await serverText(relay.url, 'held-acks')).toBe('hello')
    await page.context().close()
  })

  it('is not saved while the edits are acked by the server but not yet committed in IndexedDB', async () => {
    const page = await openDoc('held-device')
    const before = (await samples(page)).length
    await page.evaluate(() => window.tandemHarness.holdStore())
    await page.evaluate(() => window.tandemHarness.append('only in memory'))
    await waitInPage(page, 'the server acked', () => window.tandemHarness.progress().acked === 1)
    await sleep(300)
    expect(savedIn((await samples(page)).slice(before))).toEqual([])
    expect(await page.evaluate(() => window.tandemHarness.status())).toMatchObject({ state: 'syncing', pending: 1 })
    expect(await page.evaluate(() => window.tandemHarness.progress())).toEqual({ last: 1, stored: 0, acked: 1 })

    await page.evaluate(() => window.tandemHarness.releaseStore())
    await waitInPage(page, 'saved once stored', () => window.tandemHarness.status().state === 'saved')
    expectHonest(await samples(page))
    await page.context().close()
  })

  it('after a reload, edits made offline before it are not saved until the server acks them', async () => {
    const page = await openDoc('reload-unacked')
    await relay.stop()
    await page.evaluate(() => window.tandemHarness.append('offline before reload'))
    await waitInPage(page, 'stored', () => window.tandemHarness.progress().stored === 1)
    await page.reload()
    await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
    expect(await page.evaluate(() => window.tandemHarness.open({ doc: 'reload-unacked' }))).toBe(
      'offline before reload',
    )

    holdOnStart = true
    await relay.restart()
    holdOnStart = false
    await waitInPage(page, 'connected', () => window.tandemHarness.connection() === 'connected', 15_000)
    await sleep(700)
    const held = await samples(page)
    expect(savedIn(held), 'saved although the server never committed the offline edit').toEqual([])

    storage.release()
    await waitInPage(page, 'saved after the commit', () => window.tandemHarness.status().state === 'saved')
    expectHonest(await samples(page))
    expect(await serverText(relay.url, 'reload-unacked')).toBe('offline before reload')
    await page.context().close()
  })
})
