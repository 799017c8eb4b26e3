// Smoke test for bench/client: the quick mode runs every scenario (Chromium for the IndexedDB
// open and the keystroke replay, Node child processes for the 200-document comparison) and
// every row of the table holds numbers. No timing is asserted.
import { expect, test } from 'vitest'
import { runQuickBench } from './runQuickBench.ts'

const runQuick = () => runQuickBench('client', 250_000)

test('bench/client --quick produces numbers for every scenario', { timeout: 270_000 }, async () => {
  const { code, stdout, stderr } = await runQuick()
  expect(code, stderr.slice(-3000)).toBe(0)
  expect(stdout).not.toContain('ERROR')
  expect(stdout).toContain('Martin Kleppmann (CC BY 4.0)')
  const rows = stdout
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .slice(2)
  const find = (label: string) => rows.find((r) => r.includes(label)) ?? ''
  const cells = (row: string) => row.split('|').map((c) => c.trim())
  for (const label of [
    'open doc from IndexedDB',
    'vs y-indexeddb after its 1 s trim',
    'vs y-indexeddb log as typed',
    'profile of the Tandem open',
    'keystroke → committed in IndexedDB',
    'keystroke → server ack',
    'WebSocket connections',
    'client heap growth',
    'client RSS growth',
    'time until all synced',
  ]) {
    const row = find(label)
    expect(row, `row "${label}"`).not.toBe('')
    expect(cells(row)[2], row).toMatch(/^-?\d+(\.\d+)?/)
  }
  for (const label of [
    'open doc from IndexedDB',
    'log as typed',
    'WebSocket connections',
    'client heap growth',
    'time until all synced',
  ]) {
    expect(cells(find(label))[3], label).toMatch(/^-?\d+(\.\d+)?/)
  }
  expect(cells(find('WebSocket connections'))[2]).toBe('1 / 1')
})
