import { readFileSync } from 'node:fs'
import type { Plugin } from 'vite'

/**
 * Emits sw.js with the exact list of files this build produced, so that after one visit the
 * app shell (and with it the documents kept in IndexedDB) opens with no server at all. A new
 * build gets a new cache name, and the old cache is dropped when the new worker activates.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'tandem-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const assets = ['/', ...Object.keys(bundle).map((f) => `/${f}`), '/manifest.webmanifest', '/icon.svg']
      const version = String(Date.now())
      const template = readFileSync(new URL('./sw-template.js', import.meta.url), 'utf8')
      const sync = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'backgroundSync')
      if (!sync) this.error('the backgroundSync entry is missing from the build')
      const source = template
        .replace('__ASSETS__', JSON.stringify(assets))
        .replace('__VERSION__', version)
        .replace('__BACKGROUND_SYNC__', `/${sync.fileName}`)
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}
