#!/usr/bin/env node
// The relay from its TypeScript sources (tsx), for the monorepo's tests and benchmarks: no build
// step, and `@tandem/*` imports resolve to sources through the root tsconfig's paths. Not
// published; the package's own binary is tandem-server.mjs, which runs the compiled dist/.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) })
await import('../src/main/cli.ts')
