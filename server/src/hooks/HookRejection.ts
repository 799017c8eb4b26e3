/**
 * Thrown by a hook to refuse its operation on purpose (not a failure): a socket is closed with
 * `closeCode`, an HTTP request answered with `status` (defaults per hook: 4401 / 401 for
 * onAuthenticate, 4403 / 403 otherwise), and `reason` is what the client is told. Any other error, or a hook past its time limit, is
 * a failure: logged, counted, and the operation refused as an internal error.
 */
export class HookRejection extends Error {
  override readonly name = 'HookRejection'
  readonly closeCode: number | undefined
  readonly status: number | undefined

  constructor(reason: string, options: { closeCode?: number; status?: number } = {}) {
    super(reason)
    this.closeCode = options.closeCode
    this.status = options.status
  }
}
