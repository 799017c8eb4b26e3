import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRng, intIn, testSeed } from '../helpers/prng.ts'

// The replay promise of every random test rests on this helper: the printed seed, fed back
// through the variable, must give the same seed and the same sequence.
describe('testSeed', () => {
  afterEach(() => {
    delete process.env.TEST_SEED_PROBE
    vi.restoreAllMocks()
  })

  it('takes the seed from the variable and prints how to replay it', () => {
    process.env.TEST_SEED_PROBE = '4242'
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(testSeed('probe', 'TEST_SEED_PROBE')).toBe(4242)
    expect(log).toHaveBeenCalledWith('probe: seed 4242 (replay with TEST_SEED_PROBE=4242)')
  })

  it('picks a fresh printed seed without the variable, and the printed one replays the run', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const seed = testSeed('probe', 'TEST_SEED_PROBE')
    expect(Number.isSafeInteger(seed)).toBe(true)
    expect(log).toHaveBeenCalledWith(`probe: seed ${seed} (replay with TEST_SEED_PROBE=${seed})`)
    process.env.TEST_SEED_PROBE = String(seed)
    const draw = (s: number) => {
      const rng = createRng(s)
      return Array.from({ length: 8 }, () => intIn(rng, 0, 1e6))
    }
    expect(draw(testSeed('probe', 'TEST_SEED_PROBE'))).toEqual(draw(seed))
  })

  it('refuses a seed that is not an integer', () => {
    process.env.TEST_SEED_PROBE = 'abc'
    expect(() => testSeed('probe', 'TEST_SEED_PROBE')).toThrow('TEST_SEED_PROBE must be an integer')
  })

  it('seeds fast-check globally (tests/helpers/seedSetup.ts)', () => {
    const seed = fc.readConfigureGlobal().seed
    expect(Number.isSafeInteger(seed)).toBe(true)
    if (process.env.FUZZ_SEED) expect(seed).toBe(Number(process.env.FUZZ_SEED))
  })
})
