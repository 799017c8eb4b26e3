// @tandem/react in real Chromium under StrictMode (a development build of React, so renders
// and effects run twice): one socket however often the tree mounts, no listener left behind,
// status transitions offline -> syncing -> saved, presence between two pages, and an
// optimistic write refused by an authority collection and rolled back in the component.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../browser/support/chromium.ts'
import { type StaticServer, startStaticServer } from '../browser/support/staticServer.ts'
import { removeDir } from '../helpers/tempDir.ts'
import { type RecordsRig, rest, startRecordsRig } from '../records/recordsRig.ts'
import { setMutation } from '../records/recordsWire.ts'

let rig: RecordsRig
let web: StaticServer
let pageDir: string
let browser: Browser

/** Bundles the page with React's development build: StrictMode double-invokes only there. */
async function bundleDevPage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-react-'))
  await build({
    entryPoints: [join(import.meta.dirname, 'hooksPage.tsx')],
    outfile: join(dir, 'page.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"development"' },
  })
  const html =
    '<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/page.js"></script></body></html>\n'
  await writeFile(join(dir, 'index.html'), html)
  return dir
}

beforeAll(async () => {
  pageDir = await bundleDevPage()
  web = await startStaticServer(pageDir)
  browser = await launchChromium()
  rig = await startRecordsRig({ authorityCollections: ['approvals'] })
})

afterAll(async () => {
  await browser?.close()
  await web?.close()
  await rig?.close()
  if (pageDir) await removeDir(pageDir)
})

async function openPage(name: string): Promise<Page> {
  const page = await browser.newPage()
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
  await page.goto(`${web.origin}/?relay=${encodeURIComponent(rig.relay.url)}&name=${name}`)
  await page.waitForFunction(() => Boolean(window.reactHarness), null, { timeout: 10_000 })
  return page
}

const until = (page: Page, what: string, predicate: () => boolean, timeout = 15_000) =>
  page.waitForFunction(predicate, null, { timeout, polling: 20 }).catch((err: Error) => {
    throw new Error(`timed out waiting until ${what}: ${err.message.split('\n')[0]}`)
  })

describe('@tandem/react under StrictMode in Chromium', () => {
  it('opens one socket, shows offline -> syncing -> saved, and leaves no listener after remounts', async () => {
    const page = await openPage('ann')
    await until(page, 'saved', () => window.reactHarness.view().status === 'saved')
    expect(await page.evaluate(() => window.reactHarness.sockets())).toBe(1)
    await page.evaluate(() => window.reactHarness.setOnline(false))
    await until(page, 'offline', () => window.reactHarness.view().status === 'offline')
    await page.evaluate(() => window.reactHarness.type('typed offline'))
    await until(page, 'one pending change', () => window.reactHarness.statusLog().includes('offline:1'))
    await page.evaluate(() => window.reactHarness.setOnline(true))
    await until(page, 'saved again', () => window.reactHarness.statusLog().at(-1) === 'saved:0')
    const log = await page.evaluate(() => window.reactHarness.statusLog())
    const offline = log.indexOf('offline:1')
    expect(log.slice(offline + 1).some((e) => e.startsWith('syncing') || e.startsWith('connecting'))).toBe(true)
    expect(log.at(-1)).toBe('saved:0')

    // the offline switch reconnected once; mounting the tree again must open nothing
    const sockets = await page.evaluate(() => window.reactHarness.sockets())
    const before = await page.evaluate(() => window.reactHarness.listeners())
    await page.evaluate(() => window.reactHarness.remount(20))
    await until(page, 'rendered again', () => window.reactHarness.view().status === 'saved')
    expect(await page.evaluate(() => window.reactHarness.listeners())).toEqual(before)
    expect(await page.evaluate(() => window.reactHarness.sockets())).toBe(sockets)
    await page.close()
  })

  it('shows the others’ presence and records rolled back after an authority rejection', async () => {
    const seed = setMutation('req', { state: 'pending' }, { collection: 'approvals', base: { state: null } })
    expect(
      (await rest(`${rig.http}/v1/records/approvals`, { method: 'POST', body: { mutations: [seed] } })).status,
    ).toBe(200)
    const ann = await openPage('ann')
    const bob = await openPage('bob')
    await until(ann, 'ann sees bob', () => window.reactHarness.view().others.includes('bob'))
    await until(bob, 'bob sees ann', () => window.reactHarness.view().others.includes('ann'))
    await until(ann, 'the seeded record', () => window.reactHarness.view().req === 'pending')

    await ann.evaluate(() => window.reactHarness.setOnline(false))
    await ann.evaluate(() => window.reactHarness.updateReq('rejected'))
    // optimistic: the component shows the write at once
    await until(ann, 'the optimistic value', () => window.reactHarness.view().req === 'rejected')
    const seen = seed.op === 'set' ? seed.fields.state!.stamp : null
    const approve = setMutation('req', { state: 'approved' }, { collection: 'approvals', base: { state: seen } })
    expect(
      (await rest(`${rig.http}/v1/records/approvals`, { method: 'POST', body: { mutations: [approve] } })).status,
    ).toBe(200)
    await ann.evaluate(() => window.reactHarness.setOnline(true))
    await until(ann, 'the rejection', () => window.reactHarness.view().rejected === 'conflict')
    await until(ann, 'the rollback', () => window.reactHarness.view().req === 'approved')
    await until(bob, 'bob sees the server value', () => window.reactHarness.view().req === 'approved')
    expect((await ann.evaluate(() => window.reactHarness.view())).records).toBe(1)
    await ann.close()
    await bob.close()
  })
})
