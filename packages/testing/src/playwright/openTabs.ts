import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TandemNetwork } from './tandemNetwork.ts'

export interface OpenTabsOptions {
  /** How many tabs; default 2. */
  count?: number
  /**
   * 'shared': all tabs in one browser context (same IndexedDB and BroadcastChannel, like tabs
   * of one browser); 'separate': one context each (like two devices). Default 'shared'.
   */
  contexts?: 'shared' | 'separate'
  /** Switches each tab's relay socket before the page loads, for `network.offline(page)`. */
  network?: TandemNetwork
  /** Waits after `goto` until this page function is truthy (e.g. the app is mounted). */
  ready?: string
  /** Default 15 000 ms for navigation and `ready`. */
  timeoutMs?: number
}

export interface Tabs {
  pages: Page[]
  contexts: BrowserContext[]
  /** One more tab in the context of `like` (default the first tab's). */
  open(like?: Page): Promise<Page>
  close(): Promise<void>
}

/** Opens `count` tabs of the app at `url`. */
export async function openTabs(browser: Browser, url: string, options: OpenTabsOptions = {}): Promise<Tabs> {
  const count = options.count ?? 2
  const timeout = options.timeoutMs ?? 15_000
  const contexts: BrowserContext[] = []
  const pages: Page[] = []
  const open = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage()
    await options.network?.attach(page)
    await page.goto(url, { timeout })
    if (options.ready) await page.waitForFunction(options.ready, null, { timeout, polling: 20 })
    pages.push(page)
    return page
  }
  for (let i = 0; i < count; i++) {
    if (i === 0 || options.contexts === 'separate') contexts.push(await browser.newContext())
    await open(contexts[contexts.length - 1] as BrowserContext)
  }
  return {
    pages,
    contexts,
    open: (like) => open((like ?? (pages[0] as Page)).context()),
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})))
    },
  }
}
