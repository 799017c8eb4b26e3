import { backoffCeiling, backoffDelay } from '@tandem/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('backoff', () => {
  it('grows exponentially from the base and is capped at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ])
    expect(backoffCeiling(10_000)).toBe(30_000)
  })

  it('uses full jitter: uniform between 0 and the ceiling, driven by the injected random', () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(0)
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(1000)
    expect(backoffDelay(30, { random: () => 0.999999 })).toBe(29_999)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, { random: () => r })
          expect(d).toBeGreaterThanOrEqual(0)
          expect(d).toBeLessThanOrEqual(backoffCeiling(n))
          expect(d).toBeLessThan(30_000)
        },
      ),
    )
    expect(() => backoffDelay(0)).toThrow(RangeError)
    expect(() => backoffCeiling(1.5)).toThrow('attempt must be a positive integer, got 1.5')
    expect(() => backoffDelay(1, { random: () => 1 })).toThrow(RangeError)
  })
})
