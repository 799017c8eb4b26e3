/** Seconds of budget a bucket holds: opening hundreds of documents at once is a legitimate burst. */
const BURST_SECONDS = 2

/**
 * Per-connection token buckets for messages and bytes, refilled continuously: bursts of up
 * to a few seconds' worth pass (at least one full frame for bytes), a sustained flood does not.
 */
export class RateLimiter {
  private messages: number
  private bytes: number
  private last = Date.now()
  private readonly byteCapacity: number
  private readonly messageCapacity: number

  constructor(
    private readonly messagesPerSecond: number,
    private readonly bytesPerSecond: number,
    maxFrameBytes: number,
  ) {
    this.byteCapacity = Math.max(bytesPerSecond * BURST_SECONDS, maxFrameBytes)
    this.messageCapacity = messagesPerSecond * BURST_SECONDS
    this.messages = this.messageCapacity
    this.bytes = this.byteCapacity
  }

  /** Gives back a message that turned out to cost nothing (stock clients echo presence). */
  refund(size: number): void {
    this.messages = Math.min(this.messageCapacity, this.messages + 1)
    this.bytes = Math.min(this.byteCapacity, this.bytes + size)
  }

  /** Takes one message of `size` bytes; false when either budget is exhausted. */
  take(size: number, now = Date.now()): boolean {
    const elapsed = (now - this.last) / 1000
    this.last = now
    this.messages = Math.min(this.messageCapacity, this.messages + elapsed * this.messagesPerSecond)
    this.bytes = Math.min(this.byteCapacity, this.bytes + elapsed * this.bytesPerSecond)
    if (this.messages < 1 || this.bytes < size) return false
    this.messages -= 1
    this.bytes -= size
    return true
  }
}
