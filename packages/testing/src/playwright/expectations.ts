import type { Page } from 'playwright-core'
import { type PollOptions, pollUntil, readWindowStatus, type StatusReader } from './tandemStatus.ts'

export interface StatusOptions extends PollOptions {
  status?: StatusReader
}

/** Every page ends up with the same `read(page)` value (compared as JSON); resolves with it. */
export async function expectConverged<T>(
  pages: Page[],
  read: (page: Page) => Promise<T>,
  options: PollOptions = {},
): Promise<T> {
  let value: T | undefined
  await pollUntil(
    `${pages.length} tabs converge`,
    async () => {
      const values = await Promise.all(pages.map(read))
      const seen = values.map((v) => JSON.stringify(v))
      if (seen.every((s) => s === seen[0])) {
        value = values[0]
        return null
      }
      return `values: ${seen.join(' | ').slice(0, 500)}`
    },
    options,
  )
  return value as T
}

/** The tab shows 'saved' with nothing pending. */
export function expectSaved(page: Page, options: StatusOptions = {}): Promise<void> {
  const status = options.status ?? readWindowStatus
  return pollUntil(
    'tab is saved',
    async () => {
      const s = await status(page)
      return s.state === 'saved' && s.pending === 0 ? null : `state ${s.state}, ${s.pending} pending`
    },
    options,
  )
}

/**
 * The tab holds exactly `n` unacknowledged edits (n ≥ 1 also means it is not 'saved'). Checked
 * for `holdMs` (default 500 ms) so a status that flips to saved a moment later still fails.
 */
export async function expectPending(
  page: Page,
  n: number,
  options: StatusOptions & { holdMs?: number } = {},
): Promise<void> {
  const status = options.status ?? readWindowStatus
  const wrong = async () => {
    const s = await status(page)
    if (s.pending !== n) return `${s.pending} pending (state ${s.state})`
    if (n > 0 && s.state === 'saved') return `state saved with ${n} pending`
    return null
  }
  await pollUntil(`tab has ${n} pending`, wrong, options)
  const until = Date.now() + (options.holdMs ?? 500)
  while (Date.now() < until) {
    const reason = await wrong()
    if (reason !== null) throw new Error(`tab had ${n} pending, then ${reason}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * Every edit in `edits` is present in every page's `read(page)` text (e.g. after offline edits
 * in several tabs, a kill -9 and a restart): an edit lost by a tab or by the relay fails.
 */
export function expectNoLostEdits(
  pages: Page[],
  read: (page: Page) => Promise<string>,
  edits: string[],
  options: PollOptions = {},
): Promise<void> {
  return pollUntil(
    'no edit is lost',
    async () => {
      for (const [i, page] of pages.entries()) {
        const text = await read(page)
        const missing = edits.filter((e) => !text.includes(e))
        if (missing.length > 0) return `tab ${i} misses ${JSON.stringify(missing).slice(0, 300)}`
      }
      return null
    },
    options,
  )
}
