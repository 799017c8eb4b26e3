import { decodeSyncToken, encodeSyncToken, RecordsError } from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const positionArb = fc.record({
  epoch: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  collection: fc.string({ maxLength: 512 }),
  seq: fc.oneof(fc.nat(), fc.maxSafeNat()),
})

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof RecordsError)) throw err
    return err.code
  }
  return undefined
}

describe('sync tokens', () => {
  it('round-trip any epoch and sequence number', () => {
    fc.assert(
      fc.property(positionArb, (position) => {
        const token = encodeSyncToken(position)
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(decodeSyncToken(token)).toEqual(position)
      }),
    )
  })

  it('are short and opaque', () => {
    const token = encodeSyncToken({ epoch: 'e7Hk2', collection: 'tasks', seq: 123_456 })
    expect(token.length).toBeLessThan(32)
    expect(token).not.toContain('123456')
  })

  it('reject every single-character corruption and every truncation', () => {
    fc.assert(
      fc.property(positionArb, fc.nat(), fc.constantFrom(...'ABCxyz019-_=+/. '), (position, at, ch) => {
        const token = encodeSyncToken(position)
        const i = at % token.length
        if (token[i] === ch) return
        const corrupted = token.slice(0, i) + ch + token.slice(i + 1)
        expect(code(() => decodeSyncToken(corrupted))).toBe('invalid-token')
        expect(code(() => decodeSyncToken(token.slice(0, i)))).toBe('invalid-token')
      }),
    )
  })

  it('reject non-strings and random text with invalid-token only', () => {
    for (const bad of [undefined, null, 42, {}, '', 'x'.repeat(300), '====', 'AAAA']) {
      expect(code(() => decodeSyncToken(bad))).toBe('invalid-token')
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/)), (text) => {
        const result = code(() => decodeSyncToken(text))
        if (result === undefined) expect(encodeSyncToken(decodeSyncToken(text))).toBe(text)
        else expect(result).toBe('invalid-token')
      }),
      { numRuns: 2000 },
    )
  })

  it('refuse to encode an invalid position', () => {
    expect(code(() => encodeSyncToken({ epoch: '', collection: 'c', seq: 1 }))).toBe('invalid-argument')
    expect(code(() => encodeSyncToken({ epoch: 'e', collection: 'c', seq: -1 }))).toBe('invalid-argument')
    expect(code(() => encodeSyncToken({ epoch: 'e', collection: 'c', seq: 1.5 }))).toBe('invalid-argument')
  })
})
