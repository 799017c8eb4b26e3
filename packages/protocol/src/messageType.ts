/**
 * The wire vocabulary. Values of the base protocol are fixed by y-protocols, so that stock
 * y-websocket clients interoperate; Tandem's own extension messages are added here too, and
 * only here, so that every layer speaks the same numbers.
 */
export enum MessageType {
  Sync = 0,
  Awareness = 1,
  Auth = 2,
  QueryAwareness = 3,
}

/** Second varUint of a {@link MessageType.Sync} message. */
export enum SyncMessageType {
  Step1 = 0,
  Step2 = 1,
  Update = 2,
}

/** Second varUint of a {@link MessageType.Auth} message (y-protocols/auth). */
export enum AuthMessageType {
  PermissionDenied = 0,
}

/**
 * WebSocket subprotocol that selects Tandem's extension. A socket opened with it carries only
 * Tandem frames (first varUint a {@link TandemMessageType}); a socket opened without it speaks
 * the stock y-websocket protocol for the one document its path names, and never receives a
 * Tandem frame.
 */
export const TANDEM_SUBPROTOCOL = 'tandem.1'

/** First varUint of every frame on a Tandem socket. */
export enum TandemMessageType {
  /** c->s, first frame: protocol version and an optional token. */
  Hello = 0,
  /** s->c, answer to Hello: the server's heartbeat interval and clock. */
  Welcome = 1,
  /** c->s: attach `channel` to a document. */
  Subscribe = 2,
  /** c->s: detach a channel. */
  Unsubscribe = 3,
  /** both: a base y-protocols message (sync, awareness, query-awareness) on a channel. */
  Doc = 4,
  /** c->s: local changes with a sequence number, acknowledged once committed. */
  DocUpdate = 5,
  /** s->c: every DocUpdate of the channel up to `seq` is committed to storage. */
  Ack = 6,
  /** c->s: digest of the client's state after a sync. */
  CheckIn = 7,
  /** s->c: whether the digests matched; the server's digest for the record. */
  CheckInResult = 8,
  /** both: liveness probes that browsers can see (WebSocket pings are invisible to them). */
  Ping = 9,
  Pong = 10,
  /** s->c: a refusal on a channel (0: the session); the channel is closed after it. */
  Error = 11,
  /** s->c: a DocUpdate was refused (read-only token); the document is unchanged, the channel stays. */
  Refused = 12,
  /** s->c: the token expires soon; send a Hello with a fresh one or be closed. */
  TokenExpiring = 13,
  /** c->s: attach `channel` to a record collection and pull changes since `token` ('' = from scratch). */
  RecordsSubscribe = 14,
  /** s->c: a page of record changes or a live change; JSON `{changes, token, reset, more, conflicts?}`. */
  RecordsChanges = 15,
  /** c->s: a batch of mutations, JSON `{mutations}`; `id` matches the RecordsResult. */
  RecordsPush = 16,
  /** s->c: per-mutation results of RecordsPush `id`, JSON `{results}`. */
  RecordsResult = 17,
  /** c->s: one step of a Merkle check-in (root, children, buckets, records), JSON. */
  MerkleRequest = 18,
  /** s->c: the answer to MerkleRequest `id`, JSON. */
  MerkleReply = 19,
  /** s->c: the document's version list changed; `version` is the newest version's id. */
  VersionsChanged = 20,
}

/**
 * Message types of the Hocuspocus protocol (what `@hocuspocus/provider` speaks): every frame but
 * Ping/Pong starts with the document name (varString), then one of these. Sync, Awareness and
 * QueryAwareness carry the base y-protocols payloads; the rest are Hocuspocus' own.
 */
export enum HocuspocusMessageType {
  Sync = 0,
  Awareness = 1,
  Auth = 2,
  QueryAwareness = 3,
  Stateless = 5,
  Close = 7,
  /** s->c: a Sync update was applied (1, committed here) or refused (0); the provider counts them. */
  SyncStatus = 8,
  /** s->c and its answer: one byte, no document name. */
  Ping = 9,
  Pong = 10,
}

/** Second varUint of a Hocuspocus Auth message. */
export enum HocuspocusAuthType {
  Token = 0,
  PermissionDenied = 1,
  Authenticated = 2,
}
