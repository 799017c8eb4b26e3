import {
  compareStamps,
  decodeStamp,
  decodeStampBinary,
  encodeStamp,
  encodeStampBinary,
  type HlcStamp,
  HybridLogicalClock,
  MAX_COUNTER,
  RecordsError,
} from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const T0 = 1_700_000_000_000

const anyStampArb: fc.Arbitrary<HlcStamp> = fc.record({
  wall: fc.integer({ min: 0, max: 101_559_956_668_415 }),
  counter: fc.integer({ min: 0, max: MAX_COUNTER }),
  node: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/),
})

function fakeClock(start = T0) {
  let now = start
  return { read: () => now, set: (t: number) => (now = t) }
}

describe('HybridLogicalClock', () => {
  it('issues strictly increasing stamps while the physical clock jumps around, also backwards', () => {
    const event = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), jump: fc.integer({ min: -3_600_000, max: 5_000 }) }),
      fc.record({
        kind: fc.constant('receive' as const),
        jump: fc.integer({ min: -3_600_000, max: 5_000 }),
        ahead: fc.integer({ min: -120_000, max: 60_000 }),
        counter: fc.integer({ min: 0, max: MAX_COUNTER }),
      }),
    )
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        const clock = fakeClock()
        const hlc = new HybridLogicalClock({ nodeId: 'local', wallClock: clock.read })
        let prev = hlc.now()
        for (const e of events) {
          clock.set(Math.max(0, clock.read() + e.jump))
          let next: HlcStamp
          if (e.kind === 'tick') {
            next = hlc.now()
          } else {
            const remote = { wall: Math.max(0, clock.read() + e.ahead), counter: e.counter, node: 'remote' }
            next = hlc.receive(remote)
            expect(compareStamps(next, remote)).toBeGreaterThan(0)
          }
          expect(compareStamps(next, prev)).toBeGreaterThan(0)
          // Never behind the physical clock: stamps track real time when the clock is sane.
          expect(next.wall).toBeGreaterThanOrEqual(clock.read())
          prev = next
        }
      }),
    )
  })

  it('follows the HLC paper: new millisecond resets the counter, same millisecond increments it', () => {
    const clock = fakeClock()
    const hlc = new HybridLogicalClock({ nodeId: 'a', wallClock: clock.read })
    expect(hlc.now()).toEqual({ wall: T0, counter: 0, node: 'a' })
    expect(hlc.now()).toEqual({ wall: T0, counter: 1, node: 'a' })
    clock.set(T0 - 10_000)
    expect(hlc.now()).toEqual({ wall: T0, counter: 2, node: 'a' })
    expect(hlc.receive({ wall: T0 + 5, counter: 7, node: 'b' })).toEqual({ wall: T0 + 5, counter: 8, node: 'a' })
    expect(hlc.receive({ wall: T0 + 5, counter: 3, node: 'b' })).toEqual({ wall: T0 + 5, counter: 9, node: 'a' })
    clock.set(T0 + 100)
    expect(hlc.receive({ wall: T0 + 5, counter: 3, node: 'b' })).toEqual({ wall: T0 + 100, counter: 0, node: 'a' })
  })

  it('borrows the next millisecond instead of overflowing the counter', () => {
    const hlc = new HybridLogicalClock({ nodeId: 'a', wallClock: () => T0 })
    let prev = hlc.now()
    for (let i = 0; i < MAX_COUNTER + 10; i++) {
      const next = hlc.now()
      expect(next.counter).toBeLessThanOrEqual(MAX_COUNTER)
      if (compareStamps(next, prev) <= 0) throw new Error(`not monotonic at ${i}`)
      prev = next
    }
    expect(prev.wall).toBe(T0 + 1)
  })

  it('refuses a remote stamp beyond the skew bound with a typed error and leaves the clock untouched', () => {
    const hlc = new HybridLogicalClock({ nodeId: 'a', wallClock: () => T0, maxSkewMs: 60_000 })
    const before = hlc.now()
    const err = catchError(() => hlc.receive({ wall: T0 + 60_001, counter: 0, node: 'b' }))
    expect(err).toBeInstanceOf(RecordsError)
    expect((err as RecordsError).code).toBe('clock-skew')
    expect(() => hlc.check({ wall: T0 + 600_000, counter: 0, node: 'b' })).toThrow(RecordsError)
    expect(hlc.last).toEqual(before)
    expect(hlc.receive({ wall: T0 + 60_000, counter: 0, node: 'b' }).wall).toBe(T0 + 60_000)
  })

  it('can be restored from a persisted stamp so a restarted replica never reissues one', () => {
    const hlc = new HybridLogicalClock({ nodeId: 'a', wallClock: () => T0 - 1000 })
    hlc.restore({ wall: T0, counter: 4, node: 'a' })
    expect(hlc.now()).toEqual({ wall: T0, counter: 5, node: 'a' })
  })

  it('rejects unusable node ids', () => {
    for (const nodeId of ['', 'has space', 'x'.repeat(65), 'ü']) {
      expect(() => new HybridLogicalClock({ nodeId })).toThrow(RecordsError)
    }
  })
})

describe('stamp encodings', () => {
  it('round-trips the string and binary forms', () => {
    fc.assert(
      fc.property(anyStampArb, (stamp) => {
        expect(decodeStamp(encodeStamp(stamp))).toEqual(stamp)
        expect(decodeStampBinary(encodeStampBinary(stamp))).toEqual(stamp)
      }),
    )
  })

  it('string form sorts exactly like compareStamps', () => {
    fc.assert(
      fc.property(anyStampArb, anyStampArb, (a, b) => {
        const ea = encodeStamp(a)
        const eb = encodeStamp(b)
        const byText = ea === eb ? 0 : ea < eb ? -1 : 1
        expect(byText).toBe(compareStamps(a, b))
      }),
    )
  })

  it('is compact: a current stamp is 13 characters plus the node id', () => {
    expect(encodeStamp({ wall: T0, counter: 1, node: 'n1' })).toHaveLength(15)
    expect(encodeStampBinary({ wall: T0, counter: 1, node: 'n1' }).length).toBeLessThanOrEqual(11)
  })

  it('rejects corrupt input with RecordsError', () => {
    const good = encodeStampBinary({ wall: T0, counter: 1, node: 'n1' })
    const bad: unknown[] = [
      '',
      'short',
      '0000000000000',
      'ZZZZZZZZZ0000n',
      '000000000zzzzn',
      '000000000000-bad node',
      42,
      null,
      {},
    ]
    for (const text of bad) expectRecordsError(() => decodeStamp(text), 'invalid-stamp')
    expectRecordsError(() => decodeStampBinary(good.subarray(0, good.length - 1)), 'invalid-stamp')
    expectRecordsError(() => decodeStampBinary(new Uint8Array([...good, 0])), 'invalid-stamp')
    expectRecordsError(
      () => decodeStampBinary(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
      'invalid-stamp',
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const stamp = decodeStampBinary(bytes)
          expect(decodeStampBinary(encodeStampBinary(stamp))).toEqual(stamp)
        } catch (err) {
          expect(err).toBeInstanceOf(RecordsError)
        }
      }),
    )
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

function expectRecordsError(fn: () => unknown, code: string): void {
  const err = catchError(fn)
  expect(err).toBeInstanceOf(RecordsError)
  expect((err as RecordsError).code).toBe(code)
}
