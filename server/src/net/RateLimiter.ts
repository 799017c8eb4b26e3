/** Seconds of budget a bucket holds: opening hundreds of documents at once is a legitimate burst. */
const BURST_SECONDS = 2
/**
 * What one read from the socket can still deliver after a pause (ws emits every frame of a
 * chunk it already holds): debt within this is not the sender ignoring the pause.
 */
const READ_CHUNK_BYTES = 64 * 1024

/**
 * Per-connection token buckets for messages and bytes, refilled continuously: bursts of up
 * to a few seconds' worth pass (at least one full frame for bytes). A message past the budget
 * is still charged (the balance goes negative) and the caller learns how long the sender must
 * wait, so a fast writer is slowed down rather than cut off; a balance deeper in debt than a
 * further burst and one socket read means the sender ignored being slowed down.
 */
export class RateLimiter {
  private messages: number
  private bytes: number
  private last = Date.now()
  private readonly byteCapacity: number
  private readonly messageCapacity: number
  private readonly byteDebtLimit: number
  private readonly messageDebtLimit: number

  constructor(
    private readonly messagesPerSecond: number,
    private readonly bytesPerSecond: number,
    maxFrameBytes: number,
  ) {
    this.byteCapacity = Math.max(bytesPerSecond * BURST_SECONDS, maxFrameBytes)
    this.messageCapacity = messagesPerSecond * BURST_SECONDS
    this.byteDebtLimit = this.byteCapacity + maxFrameBytes + READ_CHUNK_BYTES
    // the smallest frame is two bytes
    this.messageDebtLimit = this.messageCapacity + READ_CHUNK_BYTES / 2
    this.messages = this.messageCapacity
    this.bytes = this.byteCapacity
  }

  /** Gives back a message that turned out to cost nothing (stock clients echo presence). */
  refund(size: number): void {
    this.messages = Math.min(this.messageCapacity, this.messages + 1)
    this.bytes = Math.min(this.byteCapacity, this.bytes + size)
  }

  /**
   * Charges one message of `size` bytes. Returns 0 when within budget, otherwise how many ms
   * the sender should be paused for the balance to be back at zero; Infinity when the
   * balance is deeper in debt than a burst plus one socket read (the sender kept going while paused).
   */
  charge(size: number, now = Date.now()): number {
    const elapsed = (now - this.last) / 1000
    this.last = now
    this.messages = Math.min(this.messageCapacity, this.messages + elapsed * this.messagesPerSecond) - 1
    this.bytes = Math.min(this.byteCapacity, this.bytes + elapsed * this.bytesPerSecond) - size
    if (this.messages >= 0 && this.bytes >= 0) return 0
    if (this.messages < -this.messageDebtLimit || this.bytes < -this.byteDebtLimit) return Number.POSITIVE_INFINITY
    const waitS = Math.max(-this.messages / this.messagesPerSecond, -this.bytes / this.bytesPerSecond)
    return Math.ceil(waitS * 1000)
  }
}
