import type { DocStatus } from '@tandem/client'
import { statusText } from '@tandem/editor'
import { describe, expect, it } from 'vitest'

const status = (s: Partial<DocStatus>): DocStatus => ({
  state: 'saved',
  pending: 0,
  lastError: null,
  loaded: true,
  device: 'ok',
  ...s,
})

describe('statusText', () => {
  it('says a full device first, with what is kept in memory, whatever the network says', () => {
    const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    expect(statusText(status({ state: 'syncing', pending: 2, device: 'full', lastError: full }))).toBe(
      'Not saved on this device: storage full (2 changes kept in memory)',
    )
    expect(statusText(status({ state: 'offline', pending: 1, device: 'full', lastError: full }))).toMatch(
      /storage full/,
    )
  })

  it('reads as before otherwise', () => {
    expect(statusText(status({}))).toBe('All changes saved')
    expect(statusText(status({ state: 'offline', pending: 3 }))).toBe('Offline: 3 changes kept on this device')
  })
})
