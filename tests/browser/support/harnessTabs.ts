import { fileURLToPath } from 'node:url'
import {
  openTabs,
  type RelayProcess,
  type RelayProcessOptions,
  type StatusReader,
  startRelayProcess,
  type Tabs,
  type TandemNetwork,
} from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import type { BrowserRig } from './browserRig.ts'

// Tandem's own browser tests run on the fixtures apps get from @tandem/testing (dogfooding):
// a real relay process, tabs opened by openTabs, and the harness page's status and text.

const devBin = fileURLToPath(new URL('../../../server/bin/tandem-server-dev.mjs', import.meta.url))

/** `tandem-server` from sources in a child process (kill, stop, restart, freeze). */
export function startDevRelay(options: RelayProcessOptions = {}): Promise<RelayProcess> {
  return startRelayProcess({ bin: devBin, ...options })
}

export const harnessStatus: StatusReader = (page) => page.evaluate(() => window.tandemHarness.status())
export const harnessText = (page: Page): Promise<string> => page.evaluate(() => window.tandemHarness.text())

export interface HarnessTabsOptions {
  count?: number
  contexts?: 'shared' | 'separate'
  network?: TandemNetwork
  /** Query parameters of the harness page besides `relay` (e.g. a planted bug). */
  query?: Record<string, string>
  /** Presence of tab i. */
  users?: { name: string; color: string }[]
}

/** `count` harness tabs talking to `relay`, each with `doc` opened (and loaded). */
export async function harnessTabs(
  rig: BrowserRig,
  relay: { url: string },
  doc: string,
  options: HarnessTabsOptions = {},
): Promise<Tabs> {
  const query = new URLSearchParams({ relay: relay.url, ...options.query })
  const tabs = await openTabs(rig.browser, `${rig.web.origin}/?${query}`, {
    count: options.count ?? 2,
    contexts: options.contexts ?? 'shared',
    network: options.network,
    ready: 'Boolean(window.tandemHarness)',
  })
  for (const [i, page] of tabs.pages.entries()) await openHarnessDoc(page, doc, options.users?.[i])
  return tabs
}

/** Opens `doc` in a harness tab (after a reload, say); resolves with the loaded text. */
export function openHarnessDoc(page: Page, doc: string, user?: { name: string; color: string }): Promise<string> {
  return page.evaluate(([d, u]) => window.tandemHarness.open({ doc: d, user: u }), [doc, user] as const)
}

/** Reloads a harness tab and opens `doc` again. */
export async function reloadHarness(page: Page, doc: string): Promise<string> {
  await page.reload()
  await page.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
  return openHarnessDoc(page, doc)
}
