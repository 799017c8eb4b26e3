import { createLogger, type Relay, type RelayOptions, startRelay } from '@tandem/server'
import { makeTempDir, removeDir } from './tempDir.ts'

/** The relay in the test's own process: quick to start, for tests that need no crash. */

export interface TestRelay {
  relay: Relay
  url: string
  dataDir: string
  /** Stops the relay and deletes its data. */
  stop(): Promise<void>
}

export async function startTestRelay(options: RelayOptions = {}, dataDir?: string): Promise<TestRelay> {
  const dir = dataDir ?? (await makeTempDir('relay'))
  // silent: refused frames are logged as warnings, which would bury the test output
  const relay = await startRelay({
    logger: createLogger('silent'),
    ...options,
    host: '127.0.0.1',
    port: options.port ?? 0,
    dataDir: dir,
  })
  let stopped = false
  return {
    relay,
    url: relay.url,
    dataDir: dir,
    async stop() {
      if (!stopped) {
        stopped = true
        await relay.close()
      }
      await removeDir(dir)
    },
  }
}
