import { join } from 'node:path'
import type { RelayOptions } from '@tandem/server'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { bundlePage } from '../../browser/support/bundlePage.ts'
import { launchChromium } from '../../browser/support/chromium.ts'
import { type StaticServer, startStaticServer } from '../../browser/support/staticServer.ts'
import { removeDir } from '../../helpers/tempDir.ts'
import { type RecordsRig, startRecordsRig } from '../recordsRig.ts'

/**
 * The records harness page in Chromium beside a relay, for one test file: its hooks start
 * both before the tests and stop them after. `openTab` opens the page against the relay.
 */
export interface RecordsChromium {
  readonly rig: RecordsRig
  readonly browser: Browser
  openTab(context: BrowserContext): Promise<Page>
}

export function useRecordsChromium(options?: RelayOptions): RecordsChromium {
  let rig: RecordsRig | undefined
  let web: StaticServer | undefined
  let pageDir: string | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    pageDir = (await bundlePage(join(import.meta.dirname, 'recordsPage.ts'), 'records harness')).dir
    web = await startStaticServer(pageDir)
    browser = await launchChromium()
    rig = await startRecordsRig(options)
  })
  afterAll(async () => {
    await browser?.close()
    await web?.close()
    await rig?.close()
    if (pageDir) await removeDir(pageDir)
  })
  return {
    get rig() {
      return rig!
    },
    get browser() {
      return browser!
    },
    async openTab(context) {
      const page = await context.newPage()
      page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
      await page.goto(`${web!.origin}/?relay=${encodeURIComponent(rig!.relay.url)}`)
      await page.waitForFunction(() => Boolean(window.recordsHarness), null, { timeout: 10_000 })
      return page
    },
  }
}

/** Waits in the page until `predicate` holds. */
export const until = (page: Page, predicate: () => boolean, timeout = 15_000) =>
  page.waitForFunction(predicate, null, { timeout, polling: 20 })
