// Seeded PRNG (mulberry32) so every run inserts the same text at the same places.
export const SEED = 0x7a4d3

export function prng(seed: number = SEED): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomWord(rand: () => number, length: number): string {
  let s = ''
  for (let i = 0; i < length; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26))
  return s
}
