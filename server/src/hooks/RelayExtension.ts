import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthClaims, AwarenessEntry } from '@tandem/protocol'
import type { FieldConflict, LwwRecord } from '@tandem/records'
import type * as Y from 'yjs'
import type { ClientVia, RequestInfo } from '../auth/RequestInfo.ts'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'

export type { ClientVia, RequestInfo }

export interface AuthenticateEvent {
  /** The token the client sent (Hello frame, `?token=` or Bearer); null without one. */
  token: string | null
  request: RequestInfo
  via: ClientVia
}

/** What `onAuthenticate` grants; `exp` (seconds since the epoch) defaults to never. */
export type GrantedClaims = Omit<AuthClaims, 'exp'> & { exp?: number }

export interface ConnectEvent {
  documentName: string
  /** The token's subject; null when the relay runs without tokens. */
  subject: string | null
  /** True when the token may read but not write this document. */
  readOnly: boolean
  request: RequestInfo
  via: Exclude<ClientVia, 'rest'>
}

/** What `onChange` is told: one committed change of a document. */
export interface ChangeEvent {
  documentName: string
  /** The change as a Yjs update, exactly what the document's clients were sent. */
  update: Uint8Array
  /** Position in the document's changes since this instance loaded it (1, 2, ...). */
  seq: number
  /** False when another relay instance committed it and this one only integrated it. */
  local: boolean
  /** The token subject of the client that made it; null if unknown (remote, server code, no tokens). */
  author: string | null
}

export interface LoadDocumentEvent {
  documentName: string
  /** The stored state, loaded. Edits made here are committed before any client is served. */
  doc: Y.Doc
}

export interface StoreDocumentEvent {
  documentName: string
  /** Bytes of the snapshot just written. */
  snapshotBytes: number
  /** Logged updates folded into it. */
  foldedUpdates: number
}

export interface AwarenessEvent {
  documentName: string
  /** Subject of the connection that sent it. */
  subject: string | null
  /** Entries accepted from it; `state` is the client's JSON text ('null' when it left). */
  entries: AwarenessEntry[]
}

export interface RecordsChangeEvent {
  collection: string
  /** The records as merged and stored by this commit. */
  records: LwwRecord[]
  /** Field writes that lost to a newer one (the losing value is in each). */
  conflicts: FieldConflict[]
}

/**
 * One extension: any subset of hooks (see docs/extensions.md). Hooks may be async. They run by
 * `priority` (higher first, default 100), then in registration order. A hook refuses its
 * operation by throwing HookRejection; any other throw, or running past the time limit, is a
 * failure that is logged, counted (tandem_hook_failures_total) and costs only that operation.
 */
export interface RelayExtension {
  name?: string
  priority?: number
  /**
   * Once, while the relay is created: its log, metrics and data folder (null when its storage
   * was given without one). Throwing fails `createRelay`.
   */
  onConfigure?: (relay: ExtensionContext) => void | Promise<void>
  /** Once, when the relay closes, after the last commit: release what the extension holds. */
  onDestroy?: () => void | Promise<void>
  /**
   * Replaces or extends token checks: return claims to grant them (later extensions and the
   * built-in verification are skipped), or undefined to pass to the next one. Throwing refuses
   * the client (4401 / HTTP 401 unless the HookRejection says otherwise).
   */
  onAuthenticate?: (event: AuthenticateEvent) => GrantedClaims | undefined | Promise<GrantedClaims | undefined>
  /** A client opens a document (after its token allowed it). Throwing refuses just that document. */
  onConnect?: (event: ConnectEvent) => void | Promise<void>
  /** That client left the document (socket closed, unsubscribed or refused later). */
  onDisconnect?: (event: ConnectEvent) => void | Promise<void>
  /** The document is loaded into memory (first use, or after it was evicted). Throwing fails the load. */
  onLoadDocument?: (event: LoadDocumentEvent) => void | Promise<void>
  /**
   * After every change of a document is committed and broadcast, in commit order per document
   * (the next call waits for the previous one, at most the time limit). Cannot refuse it.
   */
  onChange?: (event: ChangeEvent) => void | Promise<void>
  /** After the document's log was folded into a new snapshot. */
  onStoreDocument?: (event: StoreDocumentEvent) => void | Promise<void>
  /**
   * Synchronous, before presence is broadcast: return the entries to send (rewritten or a
   * subset), null to drop the message, or undefined to leave it as it is.
   */
  beforeBroadcastAwareness?: (event: AwarenessEvent) => AwarenessEntry[] | null | undefined
  /** After record writes to a collection are committed, in commit order per collection. */
  onRecordsChange?: (event: RecordsChangeEvent) => void | Promise<void>
  /** An HTTP request no built-in route answered: return true once it is handled. */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>
}

/** What an extension is given at start. */
export interface ExtensionContext {
  log: Logger
  metrics: Metrics
  dataDir: string | null
}

/** The `hooks` option: one extension plus the time limit for every hook call. */
export interface RelayHooks extends RelayExtension {
  /** Time limit of one hook call in ms; default 10 000. */
  hookTimeoutMs?: number
}
