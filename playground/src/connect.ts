import { createTandem, type Tandem, type User } from '@tandem/client'
import TandemEngine from '@tandem/client/shared-worker?sharedworker'
import { saveToken } from './syncShared.ts'

/**
 * The one client of this tab. When the relay runs with --dev, it hands out demo tokens and
 * requires them; otherwise (the default `npm start`) it needs none.
 */
const perTabSocket = new URLSearchParams(location.search).get('engine') === 'tab'

export function connect(user: User): Tandem {
  const url = location.origin.replace(/^http/, 'ws')
  return createTandem({
    url,
    user,
    // The demo token's subject is the user's name, so history shows who wrote what.
    getToken: () => demoToken(user.name),
    // Record stamps carry the writer's node id; starting it with the user's name lets the
    // conflict log say who wrote what. The random part keeps two tabs of one user distinct.
    records: { nodeId: `${user.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}.${crypto.randomUUID().slice(0, 8)}` },
    onError: (e) => console.warn('[tandem]', e.message),
    // One socket for all tabs of the playground, in a SharedWorker (a socket per tab where the
    // browser has none, or with ?engine=tab).
    sharedWorker: perTabSocket ? undefined : () => new TandemEngine({ name: 'tandem' }),
  })
}

async function demoToken(name: string): Promise<string> {
  try {
    const res = await fetch(`/dev/token?sub=${encodeURIComponent(name)}`)
    if (!res.ok) return ''
    const { token } = (await res.json()) as { token: string }
    // The service worker sends pending work with it when no tab is open (Background Sync).
    saveToken(token).catch(() => {})
    return token
  } catch {
    // Offline: the socket cannot open either; the client retries with backoff.
    return ''
  }
}
