import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { sourceAliases } from '../scripts/sourceAliases.mjs'
import { serviceWorker } from './serviceWorkerPlugin.ts'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: { alias: sourceAliases },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        embed: fileURLToPath(new URL('embed.html', import.meta.url)),
        // Imported by sw.js (see serviceWorkerPlugin.ts), not by a page.
        backgroundSync: fileURLToPath(new URL('src/backgroundSync.ts', import.meta.url)),
      },
    },
  },
  plugins: [serviceWorker()],
})
