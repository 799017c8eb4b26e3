/**
 * Polls `condition` until it holds, for the suites' asynchronous contracts (a Redis subscription
 * goes live later, a dropped link reconnects later). A missing behaviour fails with `what` in
 * the message after `timeoutMs` instead of hanging the run; nothing here measures speed.
 */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
