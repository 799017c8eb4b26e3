import type { TandemMessage } from '@tandem/protocol'
import type { Observable } from './Observable.ts'

export type ConnectionState = 'offline' | 'connecting' | 'connected'

/** What a document or a record collection plugs into the client's one socket. */
export interface ChannelHandler {
  /** The socket is (re)connected and the channel subscribed: start syncing. */
  opened(): void
  message(m: TandemMessage): void
  /** The socket is gone; the channel will be opened again on reconnect. */
  closed(): void
}

/**
 * The socket as documents and collections see it. Two implementations: `Transport` owns a
 * WebSocket in this realm; `WorkerTransport` borrows the one socket a SharedWorker keeps for
 * every tab of the origin. Channels are this client's own either way.
 */
export interface SyncTransport {
  readonly state: Observable<ConnectionState>
  /** Attaches a document; returns its channel id. */
  open(doc: string, handler: ChannelHandler): number
  /** Attaches a record collection; `token` is read at every (re)subscribe. */
  openRecords(collection: string, handler: ChannelHandler, token: () => string): number
  close(channel: number): void
  /** Sends if connected; returns false (and drops the frame) otherwise. */
  send(message: TandemMessage): boolean
  /** The "offline switch" of this client: local work goes on either way. */
  setEnabled(enabled: boolean): void
  destroy(): void
}

/** Runs a handler's callback; one that throws is reported and cannot stop the others. */
export function guarded(fn: () => void, onError: ((error: Error) => void) | undefined): void {
  try {
    fn()
  } catch (err) {
    onError?.(err instanceof Error ? err : new Error(String(err)))
  }
}
