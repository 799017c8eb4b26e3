import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'

export interface BundledPage {
  /** Folder holding index.html and page.js, ready to serve. */
  dir: string
}

/**
 * Bundles `entry` (a browser module that sets up window globals) with esbuild into a fresh
 * temp folder, next to an index.html that loads it. Extra files (e.g. benchmark input) can be
 * written into `dir` afterwards.
 */
export async function bundlePage(
  entry: string,
  title: string,
  /** More modules to serve beside the page, by file name (a worker's entry, say). */
  extra: Record<string, string> = {},
): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-page-'))
  await build({
    entryPoints: {
      page: entry,
      ...Object.fromEntries(Object.entries(extra).map(([n, e]) => [n.replace(/\.js$/, ''), e])),
    },
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'inline',
    logLevel: 'warning',
    // A browser has no process; some dependencies still read process.env.NODE_ENV.
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><script type="module" src="/page.js"></script></body></html>\n`
  await writeFile(join(dir, 'index.html'), html)
  return { dir }
}
