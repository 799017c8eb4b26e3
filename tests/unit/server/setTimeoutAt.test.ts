import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_TIMER_MS, setTimeoutAt } from '../../../server/src/ops/longTimeout.ts'

describe('setTimeoutAt', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([0, 1_000, MAX_TIMER_MS, MAX_TIMER_MS + 1, 30 * 86_400_000, 400 * 86_400_000])(
    'fires %i ms ahead exactly then, not before',
    (ms) => {
      const fired = vi.fn()
      setTimeoutAt(fired, Date.now() + ms)
      vi.advanceTimersByTime(Math.max(0, ms - 1))
      if (ms > 0) expect(fired).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(fired).toHaveBeenCalledTimes(1)
    },
  )

  it('fires at once for a time already past, and never after a cancel', () => {
    const past = vi.fn()
    setTimeoutAt(past, Date.now() - 5_000)
    vi.advanceTimersByTime(0)
    expect(past).toHaveBeenCalledTimes(1)
    const cancelled = vi.fn()
    const cancel = setTimeoutAt(cancelled, Date.now() + 40 * 86_400_000)
    vi.advanceTimersByTime(MAX_TIMER_MS + 10)
    cancel()
    vi.advanceTimersByTime(40 * 86_400_000)
    expect(cancelled).not.toHaveBeenCalled()
  })

  it('throws for a time that is not finite (a programmer error)', () => {
    expect(() => setTimeoutAt(() => {}, Number.NaN)).toThrow(RangeError)
  })
})
