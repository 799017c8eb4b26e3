import type { RecordCollection, Tandem } from '@tandem/client'
import { canonicalRecordText, recordValues } from '@tandem/records'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { ObservedStore, RecordsModel } from './recordsModel.ts'
import { type RecordsRig, startRecordsRig } from './recordsRig.ts'
import { pullAll } from './recordsWire.ts'

const IDS = ['a', 'b', 'c']
const FIELDS = ['title', 'status']
const CLIENTS = 3

type Action =
  | { kind: 'put' | 'update'; client: number; id: string; fields: Record<string, string | number> }
  | { kind: 'delete'; client: number; id: string }
  | { kind: 'offline' | 'online'; client: number }
  | { kind: 'pause'; ms: number }

const client = fc.integer({ min: 0, max: CLIENTS - 1 })
const id = fc.constantFrom(...IDS)
const fields = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), {
  minKeys: 1,
  maxKeys: 2,
})
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), client, id, fields }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('update' as const), client, id, fields }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), client, id }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('offline' as const, 'online' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
)

let rig: RecordsRig
beforeAll(async () => {
  rig = await startRecordsRig()
})
afterAll(async () => {
  await rig.close()
})

const view = (c: RecordCollection) => new Map(c.all().map((r) => [r.id, r.values]))

describe('records through the real relay and clients: model-based', () => {
  it('any interleaving of writes, deletes and offline periods ends with every replica and the server equal to the model', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 30 }), async (actions) => {
        const collection = `model${run++}`
        const model = new RecordsModel()
        const tandems: Tandem[] = []
        try {
          const replicas = Array.from({ length: CLIENTS }, () => {
            const t = rig.client({ records: { store: new ObservedStore((m) => model.add(m)) } })
            tandems.push(t)
            return t.records(collection)
          })
          await Promise.all(replicas.map((r) => r.ready))
          for (const a of actions) {
            if (a.kind === 'pause') await sleep(a.ms)
            else if (a.kind === 'delete') await replicas[a.client]!.delete(a.id)
            else if (a.kind === 'put' || a.kind === 'update') await replicas[a.client]![a.kind](a.id, a.fields)
            else tandems[a.client]!.setOnline(a.kind === 'online')
          }
          for (const t of tandems) t.setOnline(true)
          const expected = model.values()
          await waitUntil(
            'every replica to flush and converge',
            () =>
              replicas.every(
                (r) => r.status.value.state === 'synced' && r.status.value.pending === 0 && sameMap(view(r), expected),
              ),
            { timeoutMs: 15_000 },
          )
          const server = await pullAll(rig.http, collection)
          const serverView = new Map<string, unknown>()
          for (const [rid, record] of server.records) {
            const values = recordValues(record)
            if (values) serverView.set(rid, values)
          }
          expect(serverView).toEqual(expected)
          for (const r of replicas) expect(view(r)).toEqual(expected)
          // Replicas hold identical records, stamps and tombstones included, not just equal values.
          for (const rid of IDS) {
            const records = replicas.map((r) => {
              const record = r.record(rid)
              return record ? canonicalRecordText(record) : null
            })
            expect(new Set(records).size).toBe(1)
          }
        } finally {
          for (const t of tandems) t.destroy()
        }
      }),
      { numRuns: 25, endOnFailure: true },
    )
  })
})

function sameMap(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (JSON.stringify(sortKeys(v)) !== JSON.stringify(sortKeys(b.get(k)))) return false
  return true
}

function sortKeys(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)))
}
