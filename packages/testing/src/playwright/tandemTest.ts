import { test as base } from '@playwright/test'
import type { Page } from 'playwright-core'
import { type OpenTabsOptions, openTabs } from './openTabs.ts'
import { type RelayProcess, type RelayProcessOptions, startRelayProcess } from './startRelayProcess.ts'
import { type TandemNetwork, tandemNetwork } from './tandemNetwork.ts'

export interface TandemFixtureOptions {
  /** Options for the `relay` fixture's `tandem-server` (bin, args, env, dataDir). */
  relayOptions: RelayProcessOptions
  /** The app's URL for `tabs`, given the relay's ws:// URL; default `baseURL?relay=<url>`. */
  appUrl: ((relayUrl: string) => string) | null
}

export interface TandemFixtures {
  /** A fresh `tandem-server` per test on a free loopback port with a temp data directory. */
  relay: RelayProcess
  /** Socket switches for the tabs `tabs` opens (attached before each page loads). */
  network: TandemNetwork
  /** Opens tabs of the app (`appUrl`), switched by `network`; closed after the test. */
  tabs: (options?: Omit<OpenTabsOptions, 'network'>) => Promise<Page[]>
}

/**
 * `test` with Tandem's fixtures. Use with a config whose `use.launchOptions` points at a system
 * browser (`executablePath`), e.g. `{ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }` (exported by this entry).
 */
export const test = base.extend<TandemFixtures & TandemFixtureOptions>({
  relayOptions: [{}, { option: true }],
  appUrl: [null, { option: true }],
  relay: async ({ relayOptions }, use) => {
    const relay = await startRelayProcess(relayOptions)
    try {
      await use(relay)
    } finally {
      await relay.close()
    }
  },
  network: async ({ relay }, use) => {
    await use(tandemNetwork(() => relay.url))
  },
  tabs: async ({ browser, relay, network, appUrl, baseURL }, use) => {
    const opened: { close(): Promise<void> }[] = []
    const url = () => {
      if (appUrl) return appUrl(relay.url)
      if (!baseURL) throw new Error('tabs needs `use.baseURL` or the `appUrl` option')
      const u = new URL(baseURL)
      u.searchParams.set('relay', relay.url)
      return u.href
    }
    await use(async (options = {}) => {
      const tabs = await openTabs(browser, url(), { ...options, network })
      opened.push(tabs)
      return tabs.pages
    })
    await Promise.all(opened.map((t) => t.close()))
  },
})

export { expect } from '@playwright/test'
