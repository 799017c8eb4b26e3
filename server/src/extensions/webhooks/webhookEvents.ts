/** What a webhook can be told; `events` in the options picks among them. */
export type WebhookEventType =
  | 'document.created'
  | 'document.changed'
  | 'client.connected'
  | 'client.disconnected'
  | 'records.changed'

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'document.created',
  'document.changed',
  'client.connected',
  'client.disconnected',
  'records.changed',
]
