import type { Page } from 'playwright-core'

/** What the assertions read of a tab: its document's saved state and unacknowledged edits. */
export interface TabStatus {
  state: string
  pending: number
}

/** Reads a tab's status; the default reads `window.tandemStatus()`, which the app exposes in test builds. */
export type StatusReader = (page: Page) => Promise<TabStatus>

export const readWindowStatus: StatusReader = (page) =>
  page.evaluate(() => {
    const read = (globalThis as { tandemStatus?: () => { state: string; pending: number } }).tandemStatus
    if (!read) throw new Error('the page exposes no window.tandemStatus(); pass `status` to the assertion')
    const s = read()
    return { state: s.state, pending: s.pending }
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
