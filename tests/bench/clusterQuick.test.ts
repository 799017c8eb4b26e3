// Smoke test for bench/cluster: the quick mode runs every setup (Tandem x1/x2/x3 on PostgreSQL
// + Redis, Tandem on SQLite, Hocuspocus x1/x2 with Redis) and every cell of the table holds a
// number, or n/a where a metric does not apply (no PostgreSQL behind SQLite or Hocuspocus, no
// Redis behind SQLite, no "vs 1 instance" ratio for SQLite). No timing is asserted.
// Skipped, loudly, when PostgreSQL or Redis is not reachable; under CI=true that is a failure.
import { expect, test } from 'vitest'
import { postgresAvailable, redisAvailable } from '../helpers/services.ts'
import { runQuickBench } from './runQuickBench.ts'

const available = (await postgresAvailable()) && (await redisAvailable())
if (!available) console.warn('\n!!! bench/cluster quick smoke test SKIPPED: PostgreSQL or Redis unreachable !!!\n')

const runQuick = () => runQuickBench('cluster', 130_000)

/** Rows where n/a is expected for some setups; every other row must be numeric in every column. */
const mayBeNa = ['Redis server CPU', 'PostgreSQL CPU', 'cost vs 1 instance']
const setups = [
  'Tandem x1 PG+Redis',
  'Tandem x2 PG+Redis',
  'Tandem x3 PG+Redis',
  'Tandem x1 SQLite',
  'Hocuspocus x1 Redis',
  'Hocuspocus x2 Redis',
]

test.skipIf(!available)('bench/cluster --quick produces numbers for every setup', { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await runQuick()
  // the reasons are in the report's ERROR lines (stdout), the progress in stderr
  const errors = stdout.split('\n').filter((l) => l.startsWith('- ERROR'))
  expect(code, `${errors.join('\n')}\n${stderr.slice(-3000)}`).toBe(0)
  const rows = stdout.split('\n').filter((l) => l.startsWith('| '))
  const header = (rows[0] ?? '').split('|').map((c) => c.trim())
  expect(header.slice(2, 2 + setups.length)).toEqual(setups)
  const body = rows.slice(1).filter((l) => !l.startsWith('| ---'))
  expect(body.length).toBeGreaterThanOrEqual(12)
  for (const row of body) {
    const cells = row.split('|').map((c) => c.trim())
    const label = cells[1] ?? ''
    const values = cells.slice(2, 2 + setups.length)
    expect(values.length, row).toBe(setups.length)
    const pattern = mayBeNa.some((p) => label.startsWith(p)) ? /^(-?[\d.]+x?|n\/a)$/ : /^-?[\d.]+x?$/
    for (const v of values) expect(v, row).toMatch(pattern)
  }
  // Redis CPU is numeric wherever Redis is used and PostgreSQL CPU wherever PostgreSQL is, unless
  // the bench said it could not read that service's processes (e.g. it runs in another container).
  const cellsOf = (prefix: string) =>
    (body.find((r) => r.startsWith(`| ${prefix}`)) ?? '')
      .split('|')
      .map((c) => c.trim())
      .slice(2, 2 + setups.length)
  if (!stdout.includes('Redis CPU: could NOT be read')) {
    expect(cellsOf('Redis server CPU').filter((v) => v !== 'n/a').length).toBe(5)
  }
  if (!stdout.includes('PostgreSQL CPU: could NOT be read')) {
    expect(cellsOf('PostgreSQL CPU').filter((v) => v !== 'n/a').length).toBe(3)
  }
  expect(stdout).not.toContain('ERROR')
})
