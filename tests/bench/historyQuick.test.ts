// Smoke test for bench/history: the quick mode (20,000 edits of the trace, 20 versions) runs on
// every backend it finds, every row holds numbers, and history storage stays within the issue's
// 3x of the GC-off document. Bytes are deterministic enough to assert; no timing is.
import { expect, test } from 'vitest'
import { runQuickBench } from './runQuickBench.ts'

const numberIn = (cell: string) => Number(/-?[\d,]+(\.\d+)?/.exec(cell)?.[0]?.replaceAll(',', '') ?? Number.NaN)

test('bench/history --quick measures every row and storage stays under 3x the GC-off document', {
  timeout: 200_000,
}, async () => {
  const { code, stdout, stderr } = await runQuickBench('history', 170_000)
  expect(code, stderr.slice(-3000)).toBe(0)
  expect(stdout).not.toMatch(/ERROR (?!PostgreSQL: not reachable)/)
  const rows = stdout.split('\n').filter((l) => l.startsWith('| '))
  const cells = (label: string) => {
    const row = rows.find((r) => r.includes(label))
    expect(row, `row "${label}"`).toBeDefined()
    return row!
      .split('|')
      .map((c) => c.trim())
      .slice(1, -2)
  }
  const backends = cells('metric').slice(1)
  expect(backends[0]).toBe('SQLite')
  for (const label of ['versions', 'history storage ÷', 'list versions', 'preview, every version', 'restore (']) {
    for (const value of cells(label).slice(1)) expect(numberIn(value), `${label}: ${value}`).toBeGreaterThan(0)
  }
  for (const value of cells('versions').slice(1)) expect(numberIn(value)).toBe(20)
  // Whole states would be about 10x here; the delta chain is well under the 3x target.
  for (const value of cells('history storage ÷').slice(1)) expect(numberIn(value)).toBeLessThanOrEqual(3)
})
