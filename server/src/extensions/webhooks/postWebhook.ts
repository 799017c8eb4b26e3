import { randomUUID } from 'node:crypto'
import type { WebhookEventType } from './webhookEvents.ts'
import { signWebhook } from './webhookSignature.ts'

/** A new event with a unique id, as the JSON text that is queued, signed and sent. */
export function eventBody(type: WebhookEventType, data: unknown, at: number): { id: string; body: string } {
  const id = `evt_${randomUUID()}`
  return { id, body: JSON.stringify({ id, type, createdAt: new Date(at).toISOString(), data }) }
}

/** One POST; true for a 2xx answer. Never rejects. */
export async function postWebhook(
  options: { url: string; secret: string; timeoutMs?: number },
  body: string,
  id: string,
): Promise<boolean> {
  try {
    const res = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tandem-event-id': id,
        'x-tandem-signature-256': signWebhook(options.secret, body),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
    await res.arrayBuffer().catch(() => {})
    return res.ok
  } catch {
    return false
  }
}
