import { describe, expect, it } from 'vitest'
import { parseCliArgs, UsageError } from '../../server/src/main/parseCliArgs.ts'

describe('records command-line flags', () => {
  it('reads authority collections and the tombstone horizon', () => {
    const options = parseCliArgs(['--authority-collections', 'approvals, budgets', '--tombstone-horizon', '7d'], {})
    expect(options.authorityCollections).toEqual(['approvals', 'budgets'])
    expect(options.tombstoneHorizonMs).toBe(7 * 86_400_000)
    expect(parseCliArgs([], {}).authorityCollections).toBeUndefined()
  })

  it('refuses a horizon that is not a duration', () => {
    expect(() => parseCliArgs(['--tombstone-horizon', 'soon'], {})).toThrow(UsageError)
  })
})
