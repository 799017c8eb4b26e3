/**
 * Why a records operation refused its input. Callers branch on the code (an HTTP layer maps
 * `invalid-*` to 400 and `clock-skew` to 400 or 409 as it sees fit), so codes are stable API.
 */
export type RecordsErrorCode =
  | 'invalid-stamp'
  | 'invalid-node-id'
  | 'clock-skew'
  | 'invalid-mutation'
  | 'invalid-record'
  | 'invalid-token'
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
