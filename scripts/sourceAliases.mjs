// Inside the monorepo every `@tandem/*` import means the package's TypeScript source, so tests,
// the playground and benchmarks need no build step. Published packages export only dist/; the
// same mapping for tsc and tsx lives in tsconfig.json `paths`.
import { fileURLToPath } from 'node:url'

const at = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url))

export const sourceEntries = {
  '@tandem/protocol': at('packages/protocol/src/index.ts'),
  '@tandem/records': at('packages/records/src/index.ts'),
  '@tandem/client': at('packages/client/src/index.ts'),
  '@tandem/client/shared-worker': at('packages/client/src/engine/sharedWorker.ts'),
  '@tandem/editor': at('packages/editor/src/index.ts'),
  '@tandem/react': at('packages/react/src/index.ts'),
  '@tandem/server': at('server/src/index.ts'),
  '@tandem/testing': at('packages/testing/src/index.ts'),
  '@tandem/testing/playwright': at('packages/testing/src/playwright.ts'),
  '@tandem/testing/browser': at('packages/testing/src/browser.ts'),
}

/** Vite `resolve.alias` entries: exact package names only, keeping a query (`?sharedworker`). */
export const sourceAliases = Object.entries(sourceEntries).map(([name, path]) => ({
  find: new RegExp(`^${name.replaceAll('/', '\\/')}(\\?.*)?$`),
  replacement: `${path}$1`,
}))
