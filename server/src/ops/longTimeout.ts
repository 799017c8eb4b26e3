/** Node's timers hold a signed 32-bit delay: anything longer fires after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Runs `fn` at `at` (epoch ms), however far away: a long wait is re-armed in steps a timer
 * can hold, so a token valid for months does not expire at once. Returns a cancel function.
 */
export function setTimeoutAt(fn: () => void, at: number, now: () => number = Date.now): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const arm = () => {
    const left = Math.max(0, at - now())
    if (left > MAX_TIMER_MS) {
      timer = setTimeout(arm, MAX_TIMER_MS)
    } else timer = setTimeout(fn, left)
    timer.unref?.()
  }
  if (!Number.isFinite(at)) throw new RangeError(`setTimeoutAt needs a finite time, got ${at}`)
  arm()
  return () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
}
