import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { removeDir } from '../../helpers/tempDir.ts'
import { bundlePage } from './bundlePage.ts'
import { launchChromium } from './chromium.ts'
import { type StaticServer, startStaticServer } from './staticServer.ts'

const HARNESS = join(import.meta.dirname, '../harness/harness.ts')
/** The shared engine, served as /engine.js for the harness's `?engine=shared`. */
const ENGINE = join(import.meta.dirname, '../../../packages/client/src/engine/sharedWorker.ts')

/**
 * One Chromium per test file plus the harness page on its own static server (so the page
 * loads while the relay is down). `close()` stops everything this rig started.
 */
export interface BrowserRig {
  browser: Browser
  web: StaticServer
  /** A new tab in `context` on the harness, talking to `relayUrl`. */
  openTab(context: BrowserContext, relayUrl: string): Promise<Page>
  close(): Promise<void>
}

export async function startBrowserRig(): Promise<BrowserRig> {
  const { dir } = await bundlePage(HARNESS, 'tandem harness', { 'engine.js': ENGINE })
  const web = await startStaticServer(dir)
  let browser: Browser
  try {
    browser = await launchChromium()
  } catch (err) {
    await web.close()
    throw err
  }
  return {
    browser,
    web,
    async openTab(context, relayUrl) {
      const page = await context.newPage()
      page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
      await page.goto(`${web.origin}/?relay=${encodeURIComponent(relayUrl)}`)
      await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
      return page
    },
    async close() {
      await browser.close()
      await web.close()
      await removeDir(dir)
    },
  }
}

/** Waits (bounded) until `predicate` holds in the page; `what` names the failure. */
export async function waitInPage(
  page: Page,
  what: string,
  predicate: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  try {
    await page.waitForFunction(predicate, null, { timeout: timeoutMs, polling: 20 })
  } catch (err) {
    throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}: ${(err as Error).message.split('\n')[0]}`)
  }
}
