import { createHmac, timingSafeEqual } from 'node:crypto'

/** The `X-Tandem-Signature-256` header value for `body`: `sha256=` and the hex HMAC-SHA256. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/**
 * True when `header` is the signature of the raw `body` under `secret`, compared in constant
 * time. Receivers must check the bytes as received, before parsing the JSON.
 */
export function verifyWebhook(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false
  const expected = Buffer.from(signWebhook(secret, body))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
