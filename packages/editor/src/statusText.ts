import type { DocStatus } from '@tandem/client'

/** The words a person sees for a status; the attributes carry the exact state for code. */
export function statusText(status: DocStatus): string {
  const n = status.pending
  const changes = `${n} change${n === 1 ? '' : 's'}`
  // Said first: the server may have the edits, but a reload offline would not show them.
  if (status.device === 'full') return `Not saved on this device: storage full (${changes} kept in memory)`
  if (status.lastError && status.state !== 'saved') return `Problem: ${status.lastError.message}`
  switch (status.state) {
    case 'saved':
      return 'All changes saved'
    case 'syncing':
      return n > 0 ? `Saving ${changes}…` : 'Syncing…'
    case 'connecting':
      return n > 0 ? `Connecting… ${changes} not yet saved` : 'Connecting…'
    case 'offline':
      return n > 0 ? `Offline: ${changes} kept on this device` : 'Offline'
  }
}
