// Writes the benchmark's records over REST, as another replica would, so the measured client
// starts from an empty device against a server that already holds them. Seeding is not timed.

/** One small task: three short fields, the shape a tasks board holds. */
export function taskFields(i: number, round = 0): Record<string, string> {
  return {
    title: round === 0 ? `Task ${i}` : `Task ${i} (edit ${round})`,
    status: ['todo', 'doing', 'done'][(i + round) % 3]!,
    assignee: ['ann', 'bob', 'cy', 'dee'][i % 4]!,
  }
}

export const recordId = (i: number) => `t${i.toString().padStart(6, '0')}`

let mutationCounter = 0

/** Sends `set` mutations for `indexes` in batches (one POST each); throws on any refusal. */
export async function writeTasks(
  http: string,
  collection: string,
  indexes: readonly number[],
  round = 0,
  batchSize = 1000,
): Promise<void> {
  for (let start = 0; start < indexes.length; start += batchSize) {
    const wall = Date.now()
    const mutations = indexes.slice(start, start + batchSize).map((i, k) => {
      const stamp = { wall, counter: k, node: 'bench-seed' }
      const fields = Object.fromEntries(Object.entries(taskFields(i, round)).map(([f, v]) => [f, { value: v, stamp }]))
      return { id: `seed-${++mutationCounter}`, collection, recordId: recordId(i), op: 'set', fields }
    })
    const res = await fetch(`${http}/v1/records/${collection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mutations }),
      signal: AbortSignal.timeout(60_000),
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`seeding answered ${res.status}: ${text.slice(0, 300)}`)
    const bad = (JSON.parse(text) as { results: { status: string }[] }).results.filter((r) => r.status !== 'applied')
    if (bad.length > 0) throw new Error(`seeding: ${bad.length} mutations not applied (${JSON.stringify(bad[0])})`)
    // Stamps of one batch share a millisecond; the next batch must not reuse its counters.
    while (Date.now() === wall) await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

export const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i)
