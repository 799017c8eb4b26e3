import { join } from 'node:path'
import { backoffDelay } from '@tandem/protocol'
import type { ExtensionContext, RelayExtension } from '../../hooks/RelayExtension.ts'
import { eventBody, postWebhook } from './postWebhook.ts'
import { WebhookQueue } from './WebhookQueue.ts'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhookEvents.ts'

export interface WebhookOptions {
  /** Where events are POSTed. */
  url: string
  /** Shared secret of the X-Tandem-Signature-256 HMAC. */
  secret: string
  /** Which events to send; default all. */
  events?: readonly WebhookEventType[]
  /** A document's changes are sent once it was quiet this long; default 2 000 ms. */
  debounceMs?: number
  /** ...or at the latest this long after its first unsent change; default 10 000 ms. */
  maxWaitMs?: number
  /** The persistent queue; default `webhooks.sqlite` in the relay's data folder. */
  queueFile?: string
  /** Events kept while the receiver is down; past it the oldest are dropped. Default 10 000. */
  maxQueued?: number
  /** An event still undelivered after this long is dropped; default 24 h. */
  maxAgeMs?: number
  /** Time limit of one POST; default 10 000 ms. */
  timeoutMs?: number
  /** Delay between retries: exponential with full jitter from `baseMs` up to `capMs`. */
  retry?: { baseMs?: number; capMs?: number }
  now?: () => number
}

/**
 * Webhooks as an extension: each event is queued durably (SQLite) when it happens and POSTed as
 * JSON, one at a time in order, signed with HMAC-SHA256; a receiver that is down or answers
 * other than 2xx gets it again later, so every event arrives, possibly more than once: receivers
 * dedupe by `id`. Metric: tandem_webhook_events_total{outcome}.
 */
export function webhooks(options: WebhookOptions): RelayExtension {
  const events = new Set(options.events ?? WEBHOOK_EVENT_TYPES)
  const debounceMs = options.debounceMs ?? 2_000
  const maxWaitMs = options.maxWaitMs ?? 10_000
  const now = options.now ?? Date.now
  let queue: WebhookQueue | null = null
  let ctx: ExtensionContext | null = null
  const timers = new Map<string, { timer: ReturnType<typeof setTimeout>; first: number }>()
  const fresh = new Set<string>()
  let wake: ReturnType<typeof setTimeout> | null = null
  let sending = false

  const count = (outcome: string, n = 1) =>
    ctx?.metrics.inc('tandem_webhook_events_total', 'Webhook events, by outcome', { outcome }, n)

  const enqueue = (type: WebhookEventType, data: unknown) => {
    if (!queue || !events.has(type)) return
    const event = eventBody(type, data, now())
    count('queued')
    const dropped = queue.push(event.id, event.body, now())
    if (dropped > 0) dropWarning(dropped)
    pump()
  }
  const dropWarning = (n: number) => {
    count('dropped', n)
    ctx?.log.warn('webhook queue full: dropped the oldest events', { dropped: n, url: options.url })
  }

  /** Sends the changes of `doc` noted so far as one event. */
  const flushChanges = (doc: string) => {
    const t = timers.get(doc)
    if (t) clearTimeout(t.timer)
    timers.delete(doc)
    if (!queue) return
    const dropped = queue.takeChange(
      doc,
      (c) =>
        eventBody(
          'document.changed',
          { documentName: doc, changes: c.count, firstAt: c.firstAt, lastAt: c.lastAt },
          now(),
        ),
      now(),
    )
    if (dropped === null) return
    if (dropped > 0) dropWarning(dropped)
    count('queued')
    pump()
  }

  const changed = (doc: string) => {
    if (!queue || !events.has('document.changed')) return
    queue.noteChange(doc, now())
    const first = timers.get(doc)?.first ?? now()
    const existing = timers.get(doc)
    if (existing) clearTimeout(existing.timer)
    const wait = Math.max(0, Math.min(debounceMs, first + maxWaitMs - now()))
    const timer = setTimeout(() => flushChanges(doc), wait)
    timer.unref()
    timers.set(doc, { timer, first })
  }

  /** Delivers the head of the queue, then the next; one request at a time keeps the order. */
  const pump = () => {
    if (sending || !queue) return
    const head = queue.head()
    if (!head) return
    const t = now()
    if (t - head.createdAt > (options.maxAgeMs ?? 24 * 3_600_000)) {
      queue.delivered(head.seq)
      count('expired')
      ctx?.log.warn('webhook event expired undelivered', { id: head.id, url: options.url })
      return pump()
    }
    if (head.nextAt > t) {
      if (wake) clearTimeout(wake)
      wake = setTimeout(() => {
        wake = null
        pump()
      }, head.nextAt - t)
      wake.unref()
      return
    }
    sending = true
    postWebhook(options, head.body, head.id).then((ok) => {
      sending = false
      if (!queue) return
      if (ok) {
        queue.delivered(head.seq)
        count('delivered')
      } else {
        const delay = backoffDelay(head.attempts + 1, { baseMs: 1_000, capMs: 300_000, ...options.retry })
        queue.retryAt(head.seq, now() + Math.max(delay, 10))
        count('retried')
      }
      pump()
    })
  }

  return {
    name: 'webhooks',
    onConfigure(context) {
      ctx = context
      const file = options.queueFile ?? (context.dataDir ? join(context.dataDir, 'webhooks.sqlite') : null)
      if (!file) throw new Error('webhooks need a queueFile when the relay has no data folder')
      queue = new WebhookQueue(file, options.maxQueued ?? 10_000)
      context.metrics.gauge('tandem_webhook_queue', 'Webhook events waiting for delivery', () => queue?.size ?? 0)
      // Changes a crash left waiting out their debounce go now.
      for (const doc of queue.pendingDocs()) flushChanges(doc)
      pump()
    },
    onLoadDocument: events.has('document.created')
      ? ({ documentName, doc }) => {
          if (doc.store.clients.size === 0) fresh.add(documentName)
        }
      : undefined,
    onChange({ documentName, local }) {
      if (!local) return
      if (fresh.delete(documentName)) enqueue('document.created', { documentName })
      changed(documentName)
    },
    onConnect({ documentName, subject, via, request }) {
      enqueue('client.connected', { documentName, subject, via, ip: request.ip })
    },
    onDisconnect({ documentName, subject, via, request }) {
      enqueue('client.disconnected', { documentName, subject, via, ip: request.ip })
    },
    onRecordsChange({ collection, records, conflicts }) {
      enqueue('records.changed', { collection, ids: records.map((r) => r.id), conflicts: conflicts.length })
    },
    onDestroy() {
      for (const doc of [...timers.keys()]) {
        const t = timers.get(doc)
        if (t) clearTimeout(t.timer)
      }
      // Debounced changes stay in the queue file and go out at the next start.
      timers.clear()
      if (wake) clearTimeout(wake)
      queue?.close()
      queue = null
    },
  }
}
