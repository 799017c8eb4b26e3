import type { FlushReport } from '@tandem/client'

// Shared by the pages and the service worker, through Cache Storage (both can reach it; the
// worker cannot read a page's memory or localStorage).
export const SYNC_TAG = 'tandem-flush'
const CACHE = 'tandem-background-sync'
const TOKEN = '/__tandem/token'
const REPORT = '/__tandem/last-sync'

/** The pages keep their latest token here, so the worker can call the relay with no tab open. */
export async function saveToken(token: string): Promise<void> {
  if (!token || typeof caches === 'undefined') return
  await (await caches.open(CACHE)).put(TOKEN, new Response(token))
}

export async function loadToken(): Promise<string> {
  const hit = await (await caches.open(CACHE)).match(TOKEN)
  return hit ? hit.text() : ''
}

export async function saveReport(report: FlushReport): Promise<void> {
  const body = JSON.stringify({ ...report, at: Date.now() })
  await (await caches.open(CACHE)).put(REPORT, new Response(body, { headers: { 'content-type': 'application/json' } }))
}

export async function loadReport(): Promise<(FlushReport & { at: number }) | null> {
  if (typeof caches === 'undefined') return null
  const hit = await (await caches.open(CACHE)).match(REPORT)
  return hit ? ((await hit.json()) as FlushReport & { at: number }) : null
}

/** Asks the browser to wake the worker once it is online again (Chromium's Background Sync). */
export async function requestBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
    sync?: { register(tag: string): Promise<void> }
  }
  await registration.sync?.register(SYNC_TAG)
}
