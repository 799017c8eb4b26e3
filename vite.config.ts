import { defineConfig } from 'vitest/config'
import { sourceAliases } from './scripts/sourceAliases.mjs'

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // The e2e suite serves the built playground; build it once per run.
    globalSetup: ['tests/e2e/buildPlayground.ts'],
    // Seeds every fast-check property from tests/helpers/prng.ts and prints the seed (replayable).
    setupFiles: ['tests/helpers/seedSetup.ts'],
    environment: 'node',
    pool: 'forks',
    // Integration tests start real servers and child processes; a 2-core machine runs two at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
