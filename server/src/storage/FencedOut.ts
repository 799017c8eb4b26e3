/**
 * A checkpoint refused because its compaction lease was granted to someone else since: the
 * holder was paused (or cut off) past the lease, and another instance may have written a
 * newer snapshot meanwhile. Nothing was changed; the log it would have folded stays.
 */
export class FencedOut extends Error {
  override readonly name = 'FencedOut'
  constructor(
    readonly doc: string,
    readonly token: number,
  ) {
    super(`compaction lease token ${token} of ${doc} is no longer current`)
  }
}
