import type { Page } from 'playwright-core'

/** What the assertions read of a tab: its document's saved state and unacknowledged edits. */
export interface TabStatus {
  state: string
  pending: number
}

/**
 * Reads a tab's status. The default reads `window.tandemStatus()` if the app exposes it, else
 * the first element with `data-tandem-status` (and `data-tandem-pending`) attributes.
 */
export type StatusReader = (page: Page) => Promise<TabStatus>

export const readWindowStatus: StatusReader = (page) =>
  page.evaluate(() => {
    const read = (globalThis as { tandemStatus?: () => { state: string; pending: number } }).tandemStatus
    if (read) {
      const s = read()
      return { state: s.state, pending: s.pending }
    }
    const el = document.querySelector('[data-tandem-status]')
    if (!el) throw new Error('no window.tandemStatus() and no [data-tandem-status] element; pass `status`')
    return {
      state: el.getAttribute('data-tandem-status') ?? '',
      pending: Number(el.getAttribute('data-tandem-pending') ?? 0),
    }
  })

export interface PollOptions {
  /** Default 10 000 ms. */
  timeoutMs?: number
  /** Default 25 ms. */
  intervalMs?: number
}

/** Polls until `check` returns null (done) or the time is up; the last non-null reason is the failure. */
export async function pollUntil(
  what: string,
  check: () => Promise<string | null>,
  { timeoutMs = 10_000, intervalMs = 25 }: PollOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let reason = 'never checked'
  for (;;) {
    try {
      const r = await check()
      if (r === null) return
      reason = r
    } catch (err) {
      reason = (err as Error).message
    }
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${timeoutMs} ms (${reason})`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
