// Smoke test for bench/records: the quick mode runs every phase (Node replica against the relay
// in a child process, and one initial sync in Chromium), every row holds numbers, and the byte
// ratios the records issue targets hold. Bytes are deterministic enough to assert; no timing is.
import { expect, test } from 'vitest'
import { runQuickBench } from './runQuickBench.ts'

const runQuick = () => runQuickBench('records', 220_000)

/** The first number in a cell, thousands separators dropped ("3,057,410 B" -> 3057410). */
const numberIn = (cell: string) => Number(/-?[\d,]+(\.\d+)?/.exec(cell)?.[0]?.replaceAll(',', '') ?? Number.NaN)

test('bench/records --quick measures every phase and the byte ratios hold', { timeout: 240_000 }, async () => {
  const { code, stdout, stderr } = await runQuick()
  expect(code, stderr.slice(-3000)).toBe(0)
  expect(stdout).not.toContain('ERROR')
  const rows = stdout.split('\n').filter((l) => l.startsWith('| '))
  const cells = (label: string) => {
    const row = rows.find((r) => r.includes(label))
    expect(row, `row "${label}"`).toBeDefined()
    return row!.split('|').map((c) => c.trim())
  }
  // Columns: ['', scenario, time, bytes, frames / round trips, notes, ''].
  const initial = cells('initial sync, 10,000 records (Node)')
  const delta = cells('delta of 100 changes after it (Node)')
  const checkIn = cells('Merkle check-in, 1 divergent of 10,000')
  const chromium = cells('initial sync, 10,000 records (Chromium, IndexedDB)')
  for (const row of [initial, delta, chromium]) {
    expect(numberIn(row[2]!), row.join('|')).toBeGreaterThan(0)
    expect(numberIn(row[3]!), row.join('|')).toBeGreaterThan(0)
  }
  const initialBytes = numberIn(initial[3]!)
  const deltaBytes = numberIn(delta[3]!)
  const checkInBytes = numberIn(checkIn[3]!)
  // 10,000 records of three short fields are megabytes; nothing was double-counted or skipped.
  expect(initialBytes).toBeGreaterThan(1_000_000)
  // The delta is proportional to its 100 changes, not to the 10,000 records: about 1 % of the
  // initial sync, a changed record costing about what a record of the initial sync cost.
  expect(deltaBytes / initialBytes).toBeLessThan(0.03)
  expect(numberIn(cells('delta bytes per change')[3]!)).toBeLessThan(3)
  // The check-in found and repaired the one divergent record with under 1 % of a full resync.
  expect(checkIn[4]).toMatch(/^\d+ round trips$/)
  expect(checkIn[5]).toContain('repaired t005007')
  expect(checkInBytes).toBeGreaterThan(0)
  expect(checkInBytes / initialBytes).toBeLessThan(0.01)
  expect(numberIn(cells('check-in bytes ÷ full resync bytes')[3]!)).toBeLessThan(1)
  // Chromium pulled the same records over the same protocol: the same bytes, give or take frames.
  expect(Math.abs(numberIn(chromium[3]!) - initialBytes) / initialBytes).toBeLessThan(0.01)
})
