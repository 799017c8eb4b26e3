// Service worker of the Tandem playground (generated list of files: see serviceWorkerPlugin.ts).
// A module worker: Background Sync sends pending edits and records with no tab open.
import '__BACKGROUND_SYNC__'

const CACHE = 'tandem-playground-__VERSION__'
const ASSETS = __ASSETS__
// Paths that are live data, never served from the cache.
const LIVE = ['/v1/', '/dev/', '/healthz', '/metrics']

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== location.origin) return
  if (LIVE.some((p) => url.pathname.startsWith(p))) return
  if (event.request.mode === 'navigate') {
    // Network first, so a new version shows when online; the cached shell when not.
    event.respondWith(
      fetch(event.request).catch(
        async () => (await caches.match(event.request, { ignoreSearch: true })) ?? caches.match('/'),
      ),
    )
    return
  }
  event.respondWith(caches.match(event.request).then((hit) => hit ?? fetch(event.request)))
})
