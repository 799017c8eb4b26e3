/** What `onChange` is told: one committed change of a document. */
export interface ChangeEvent {
  documentName: string
  /** The change as a Yjs update, exactly what the document's clients were sent. */
  update: Uint8Array
  /** Position in the document's changes since this instance loaded it (1, 2, ...). */
  seq: number
  /** False when another relay instance committed it and this one only integrated it. */
  local: boolean
}

/**
 * Application code the relay calls (see docs/extensions.md). A hook may be async; one that
 * throws, rejects or runs past `hookTimeoutMs` is logged and counted
 * (tandem_hook_failures_total) and costs only its own call.
 */
export interface RelayHooks {
  /**
   * After every change of a document is committed and broadcast, in commit order per document
   * (the next call of a document waits for the previous one, at most the time limit).
   * It cannot refuse the change: it is already durable.
   */
  onChange?: (event: ChangeEvent) => void | Promise<void>
  /** Time limit of one hook call in ms; default 10 000. */
  hookTimeoutMs?: number
}
