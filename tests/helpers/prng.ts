import * as prng from 'lib0/prng'

/**
 * Seeded randomness for tests that must be replayable: the seed is printed, and setting the
 * env variable to it replays the same sequence of operations.
 */
export type Rng = prng.PRNG

/**
 * The one place a random test gets its seed: `variable` from the environment if set, else a fresh
 * random one. It prints the seed with the command line that replays it, so a red run in CI can be
 * reproduced locally. fast-check properties get theirs from here too (tests/helpers/seedSetup.ts).
 */
export function testSeed(label: string, variable = 'FUZZ_SEED'): number {
  const seed = seedFromEnv(variable)
  console.log(`${label}: seed ${seed} (replay with ${variable}=${seed})`)
  return seed
}

/** The seed from `variable`, or a random one; tests call testSeed, which also prints it. */
function seedFromEnv(variable: string): number {
  const fromEnv = process.env[variable]
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv)
    if (!Number.isSafeInteger(seed)) throw new Error(`${variable} must be an integer, got ${fromEnv}`)
    return seed
  }
  return Math.floor(Math.random() * 2 ** 31)
}

export const createRng = (seed: number): Rng => prng.create(seed)
/** An integer in [min, max], both inclusive. */
export const intIn = (rng: Rng, min: number, max: number): number => prng.uint32(rng, min, max)
export const chance = (rng: Rng, probability: number): boolean => prng.real53(rng) < probability
export const pick = <T>(rng: Rng, items: readonly T[]): T => prng.oneOf(rng, items as T[])
export const randomBytes = (rng: Rng, length: number): Uint8Array => prng.uint8Array(rng, length)
export const word = (rng: Rng, minLen = 1, maxLen = 6): string => prng.word(rng, minLen, maxLen)
