/**
 * Why a records operation refused its input. Callers branch on the code, so the codes are
 * stable API; the suggested HTTP status is what the REST layer should answer with.
 */
export type RecordsErrorCode =
  /** A stamp is malformed or out of range (400). */
  | 'invalid-stamp'
  /** A clock was given a node id outside NODE_ID_PATTERN (programmer error or bad config). */
  | 'invalid-node-id'
  /** A stamp is further ahead of the receiver's clock than the skew bound allows (400). */
  | 'clock-skew'
  /** A mutation from a client failed validation (400). */
  | 'invalid-mutation'
  /** A record from a peer failed validation (400, or drop the page and resync). */
  | 'invalid-record'
  /** A sync token is corrupt, truncated or from an unknown version (400; the client restarts from a snapshot). */
  | 'invalid-token'
  /** A caller passed arguments that cannot be right (mismatched ids, bad depth, bad paths from a peer). */
  | 'invalid-argument'

/**
 * Bad input from a peer or a caller. Everything in `@tandem/records` that parses or checks
 * untrusted data throws only this, so a server can catch it without also swallowing bugs.
 */
export class RecordsError extends Error {
  override readonly name = 'RecordsError'
  constructor(
    readonly code: RecordsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Type guard usable across bundles where `instanceof` may see two copies of the class. */
export function isRecordsError(err: unknown): err is RecordsError {
  return err instanceof Error && err.name === 'RecordsError' && typeof (err as RecordsError).code === 'string'
}
