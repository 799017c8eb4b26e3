import { applyMutation, latestStamp, type Mutation, parseMutation, parseRecord, RecordsError } from '@tandem/records'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fieldArb, recordArb, stampArb } from './arbitraries.ts'

const stamp = { wall: 1_700_000_000_000, counter: 0, node: 'alice' }
const valid = {
  id: 'm-1',
  collection: 'tasks',
  recordId: 'task-1',
  op: 'set',
  fields: { title: { value: 'Buy milk', stamp }, tags: { value: ['a', { b: null }], stamp } },
  base: { title: null },
}

function rejects(input: unknown, code = 'invalid-mutation', parse: (x: unknown) => unknown = parseMutation): void {
  let caught: unknown
  try {
    parse(input)
  } catch (err) {
    caught = err
  }
  expect(caught, printable(input)).toBeInstanceOf(RecordsError)
  expect((caught as RecordsError).code).toBe(code)
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 20 }),
    collection: fc.constantFrom('tasks', 'settings'),
    recordId: fc.string({ minLength: 1, maxLength: 20 }),
    op: fc.constant('set' as const),
    fields: fc.dictionary(fc.constantFrom('title', 'status', 'toString'), fieldArb, { minKeys: 1 }),
  }),
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 20 }),
    collection: fc.constantFrom('tasks'),
    recordId: fc.string({ minLength: 1, maxLength: 20 }),
    op: fc.constant('delete' as const),
    stamp: stampArb,
  }),
)

describe('parseMutation', () => {
  it('accepts a well-formed mutation and returns an equal clean copy', () => {
    expect(parseMutation(JSON.parse(JSON.stringify(valid)))).toEqual(valid)
    const del = { id: 'm-2', collection: 'tasks', recordId: 'task-1', op: 'delete', stamp }
    expect(parseMutation(del)).toEqual(del)
  })

  it('round-trips any valid mutation through JSON', () => {
    fc.assert(
      fc.property(mutationArb, (m) => {
        const wire = JSON.parse(JSON.stringify(m))
        expect(parseMutation(wire)).toEqual(wire)
      }),
    )
  })

  it('rejects each kind of malformed mutation with a RecordsError', () => {
    const cases: unknown[] = [
      null,
      'set',
      [],
      { ...valid, id: '' },
      { ...valid, id: 'x'.repeat(129) },
      { ...valid, collection: 'no spaces allowed' },
      { ...valid, recordId: 7 },
      { ...valid, op: 'upsert' },
      { ...valid, extra: 1 },
      { ...valid, fields: {} },
      { ...valid, fields: { title: { value: 'x' } } },
      { ...valid, fields: { title: { stamp } } },
      { ...valid, fields: { title: { value: 'x', stamp, more: 1 } } },
      { ...valid, fields: { title: { value: Number.NaN, stamp } } },
      { ...valid, fields: { title: { value: undefined, stamp } } },
      { ...valid, fields: { title: { value: new Date(0), stamp } } },
      { ...valid, fields: { title: { value: 'x', stamp: { ...stamp, wall: -1 } } } },
      { ...valid, fields: { title: { value: 'x', stamp: { ...stamp, counter: 1.5 } } } },
      { ...valid, fields: { title: { value: 'x', stamp: { ...stamp, node: '' } } } },
      { ...valid, fields: { title: { value: 'x', stamp: { ...stamp, extra: true } } } },
      { ...valid, fields: { '': { value: 'x', stamp } } },
      JSON.parse(
        `{"id":"m","collection":"tasks","recordId":"r","op":"set","fields":{"__proto__":{"value":1,"stamp":${JSON.stringify(stamp)}}}}`,
      ),
      { ...valid, fields: { title: { value: nest(40), stamp } } },
      { ...valid, base: { status: null } },
      { ...valid, base: { title: 'yesterday' } },
      { id: 'm', collection: 'tasks', recordId: 'r', op: 'delete', stamp, fields: {} },
      { id: 'm', collection: 'tasks', recordId: 'r', op: 'delete' },
    ]
    for (const input of cases) rejects(input)
  })

  it('keeps a "__proto__" key inside a JSON value as an ordinary key', () => {
    const wire = `{"id":"m","collection":"tasks","recordId":"r","op":"set","fields":{"meta":{"value":{"__proto__":{"x":1}},"stamp":${JSON.stringify(stamp)}}}}`
    const parsed = parseMutation(JSON.parse(wire))
    if (parsed.op !== 'set') throw new Error('expected a set mutation')
    const meta = parsed.fields.meta!.value as Record<string, unknown>
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype)
    expect(Object.keys(meta)).toEqual(['__proto__'])
    expect(JSON.stringify(parsed)).toBe(wire)
  })

  it('turns hostile objects (throwing getters, proxies) into RecordsError too', () => {
    const getter = { ...valid }
    Object.defineProperty(getter, 'recordId', {
      enumerable: true,
      get: () => {
        throw new TypeError('boom')
      },
    })
    rejects(getter)
    rejects(
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('trap')
          },
        },
      ),
    )
  })

  it('never throws anything but RecordsError for arbitrary garbage', () => {
    const garbage = fc.oneof(
      fc.anything({
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withDate: true,
        withTypedArray: true,
        withSparseArray: true,
        withBigInt: true,
      }),
      fc.json().map((text) => JSON.parse(text)),
      mutationArb.chain((m) => fc.anything().map((junk) => ({ ...m, fields: junk }))),
      mutationArb.chain((m) => fc.anything().map((junk) => ({ ...m, stamp: junk }))),
    )
    fc.assert(
      fc.property(garbage, (input) => {
        try {
          parseMutation(input)
        } catch (err) {
          expect(err).toBeInstanceOf(RecordsError)
          expect((err as RecordsError).code).toBe('invalid-mutation')
        }
      }),
      { numRuns: 1000 },
    )
  })
})

describe('parseRecord', () => {
  it('accepts records and normalises fields hidden by the tombstone', () => {
    fc.assert(
      fc.property(recordArb, (record) => {
        const parsed = parseRecord(JSON.parse(JSON.stringify(record)))
        for (const field of Object.values(parsed.fields)) {
          if (record.deleted) expect(field.stamp.wall >= record.deleted.wall).toBe(true)
        }
        expect(parseRecord(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed)
      }),
    )
  })

  it('rejects garbage with invalid-record', () => {
    for (const input of [null, { id: 'x' }, { id: 'x', fields: [] }, { id: 'x', fields: {}, deleted: 'now' }]) {
      rejects(input, 'invalid-record', parseRecord)
    }
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true }), (input) => {
        try {
          parseRecord(input)
        } catch (err) {
          expect((err as RecordsError).code).toBe('invalid-record')
        }
      }),
    )
  })
})

describe('applyMutation', () => {
  const set = (id: string, value: string, s: typeof stamp, base?: Record<string, typeof stamp | null>): Mutation => ({
    id,
    collection: 'tasks',
    recordId: 't',
    op: 'set',
    fields: { title: { value, stamp: s } },
    ...(base ? { base } : {}),
  })
  const s1 = { ...stamp, wall: stamp.wall + 1 }
  const s2 = { ...stamp, wall: stamp.wall + 2, node: 'bob' }

  it('is idempotent: applying a mutation twice changes nothing more', () => {
    const once = applyMutation(undefined, set('a', 'x', s1)).record
    const twice = applyMutation(once, set('a', 'x', s1))
    expect(twice.record).toEqual(once)
    expect(twice.conflicts).toEqual([])
  })

  it('uses base versions to tell a sequential overwrite from a concurrent one', () => {
    const server = applyMutation(undefined, set('a', 'alice wrote', s1)).record
    expect(applyMutation(server, set('b', 'bob saw it', s2, { title: s1 })).conflicts).toEqual([])
    const concurrent = applyMutation(server, set('c', 'bob did not', s2, { title: null })).conflicts
    expect(concurrent).toHaveLength(1)
    expect(concurrent[0]!.loser).toEqual({ value: 'alice wrote', stamp: s1, author: 'alice' })
    expect(applyMutation(server, set('d', 'no base', s2)).conflicts).toHaveLength(1)
  })

  it('finds the greatest stamp to feed the receiver clock', () => {
    const m: Mutation = {
      id: 'a',
      collection: 'tasks',
      recordId: 't',
      op: 'set',
      fields: { a: { value: 1, stamp: s2 }, b: { value: 2, stamp: s1 } },
    }
    expect(latestStamp(m)).toEqual(s2)
    expect(latestStamp({ id: 'm', collection: 'c', recordId: 'r', op: 'delete', stamp: s1 })).toEqual(s1)
  })
})

function nest(depth: number): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

function printable(input: unknown): string {
  try {
    return String(JSON.stringify(input)).slice(0, 200)
  } catch {
    return 'unprintable input'
  }
}
