import { startRelay } from '@tandem/server'
import { makeTempDir, removeDir } from './tempDir.ts'

/** The relay in the test's own process: quick to start, for tests that need no crash. */

type RelayOptions = Parameters<typeof startRelay>[0]
type Relay = Awaited<ReturnType<typeof startRelay>>

export interface TestRelay {
  relay: Relay
  url: string
  dataDir: string
  /** Stops the relay and deletes its data. */
  stop(): Promise<void>
  /** Stops the relay, keeping its data, and starts a new one on the same data dir. */
  restart(): Promise<TestRelay>
}

export async function startTestRelay(options: Partial<RelayOptions> = {}, dataDir?: string): Promise<TestRelay> {
  const dir = dataDir ?? (await makeTempDir('relay'))
  const relay = await startRelay({ ...options, host: '127.0.0.1', port: options.port ?? 0, dataDir: dir })
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
    async restart() {
      stopped = true
      await relay.close()
      return startTestRelay(options, dir)
    },
  }
}
