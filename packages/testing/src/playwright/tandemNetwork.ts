import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core'

/**
 * Per-page network switches. `offline(page, 'socket')` cuts only the WebSocket to the relay
 * (the page's other traffic and the tab's BroadcastChannel stay up), the way a relay outage
 * looks to a tab; `'page'` takes the whole browser context offline as the OS would.
 */
export interface TandemNetwork {
  /** Routes `page`'s sockets to `relayUrl` through a switch; call before the app connects. */
  attach(page: Page): Promise<void>
  offline(page: Page, scope?: 'socket' | 'page'): Promise<void>
  online(page: Page): Promise<void>
}

interface PageSwitch {
  offline: boolean
  live: Set<WebSocketRoute>
  context: BrowserContext | null
}

/** `relayUrl`: sockets whose URL starts with it are switched; others pass untouched. */
export function tandemNetwork(relayUrl: () => string): TandemNetwork {
  const switches = new WeakMap<Page, PageSwitch>()
  const switchOf = (page: Page): PageSwitch => {
    const s = switches.get(page)
    if (!s) throw new Error('network.attach(page) must be called before offline/online')
    return s
  }
  return {
    async attach(page) {
      if (switches.has(page)) return
      const s: PageSwitch = { offline: false, live: new Set(), context: null }
      switches.set(page, s)
      await page.routeWebSocket(
        (url) => url.href.startsWith(relayUrl()),
        (ws) => {
          // An offline tab's new socket fails as an unreachable server would: closed at once.
          if (s.offline) return void ws.close({ code: 1001 }).catch(() => {})
          s.live.add(ws)
          ws.connectToServer()
          ws.onClose(() => s.live.delete(ws))
        },
      )
    },
    async offline(page, scope = 'socket') {
      const s = switchOf(page)
      s.offline = true
      if (scope === 'page') {
        s.context = page.context()
        await s.context.setOffline(true)
      }
      const live = [...s.live]
      s.live.clear()
      await Promise.all(live.map((ws) => ws.close({ code: 1001 }).catch(() => {})))
    },
    async online(page) {
      const s = switchOf(page)
      s.offline = false
      if (s.context) await s.context.setOffline(false)
      s.context = null
    },
  }
}
