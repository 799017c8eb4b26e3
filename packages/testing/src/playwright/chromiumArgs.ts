/**
 * Flags for a system Chromium in tests: nothing talks to the internet (no updates, sync or
 * QUIC probes), and no sandbox, which CI containers lack the privileges for.
 */
export const CHROMIUM_ARGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
