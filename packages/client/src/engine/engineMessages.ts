import type { TandemMessage } from '@tandem/protocol'
import type { ConnectionState } from '../SyncTransport.ts'

/**
 * The version of this page-engine vocabulary. A tab and a worker of different releases can meet
 * (a worker served under one URL outlives a deploy): an engine refuses a tab of another version,
 * and the tab falls back to a socket of its own.
 */
export const ENGINE_PROTOCOL = 1

/** Socket tuning a tab hands to the engine; the first tab of a server URL sets it. */
export interface EngineTuning {
  pingMs?: number
  deadAfterMs?: number
  backoff?: { baseMs?: number; capMs?: number }
}

/** What a channel subscribes with; a collection's sync token is refreshed by `token`. */
export type ChannelSubject = { kind: 'doc'; doc: string } | { kind: 'records'; collection: string; token: string }

/**
 * Tab to engine, over the tab's MessagePort. `gen` counts the tab's offline-switch flips, so
 * nothing the engine posted before a flip is mistaken for news after it.
 */
export type TabToEngine =
  | { t: 'hello'; v: number; tab: string; url: string; tuning: EngineTuning; hasToken: boolean; gen: number }
  | { t: 'open'; channel: number; subject: ChannelSubject }
  | { t: 'token'; channel: number; token: string }
  | { t: 'close'; channel: number }
  | { t: 'send'; m: TandemMessage }
  | { t: 'enabled'; value: boolean; gen: number }
  | { t: 'auth'; id: number; token?: string; error?: string }
  | { t: 'bye' }
  | { t: 'ping' }

/** Engine to tab. Channel numbers are always the tab's own. */
export type EngineToTab =
  | { t: 'state'; value: ConnectionState; gen: number }
  | { t: 'opened'; channel: number; gen: number }
  | { t: 'message'; m: TandemMessage; gen: number }
  | { t: 'closed'; channel: number; gen: number }
  | { t: 'error'; message: string }
  | { t: 'auth?'; id: number }
  | { t: 'pong' }
  | { t: 'refused'; reason: string }

/** The Web Lock a tab holds for as long as it lives: the engine learns of its end by getting it. */
export const tabLockName = (tab: string): string => `tandem-tab:${tab}`

/** The part of a MessagePort both sides use (a MessagePort, or a stand-in in tests). */
export interface PortLike {
  postMessage(message: unknown): void
  onmessage: ((event: MessageEvent) => void) | null
  start?(): void
  close?(): void
}
