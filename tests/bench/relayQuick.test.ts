// Smoke test for bench/relay: the quick mode runs all four servers and every cell of the table
// holds a number (or n/a where a metric does not apply). No timing is asserted.
import { expect, test } from 'vitest'
import { runQuickBench } from './runQuickBench.ts'

const runQuick = () => runQuickBench('relay', 140_000)

test('bench/relay --quick produces numbers for every server', { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await runQuick()
  expect(code, stderr.slice(-3000)).toBe(0)
  const rows = stdout.split('\n').filter((l) => l.startsWith('| '))
  const header = rows[0] ?? ''
  for (const label of ['Tandem', 'websocket-server', 'Hocuspocus', 'raw ws forwarder']) {
    expect(header).toContain(label)
  }
  const body = rows.slice(1).filter((l) => !l.startsWith('| ---'))
  expect(body.length).toBeGreaterThanOrEqual(10)
  for (const row of body) {
    const serverCells = row
      .split('|')
      .slice(2, 6)
      .map((c) => c.trim())
    for (const cell of serverCells) expect(cell, row).toMatch(/^(-?[\d.]+|n\/a|∞ \(lost\))/)
  }
  expect(stdout).not.toContain('ERROR')
})
