#!/usr/bin/env node
// The relay's command line, compiled: `npm run build` (or the published package) provides dist/.
// Inside the monorepo, tandem-server-dev.mjs runs the TypeScript sources without a build.
await import('../dist/tandem-server.js')
