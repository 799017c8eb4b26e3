import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { bundlePage } from '../../tests/browser/support/bundlePage.ts'
import { launchChromiumWithProfile } from '../../tests/browser/support/chromium.ts'
import { type StaticServer, startStaticServer } from '../../tests/browser/support/staticServer.ts'
import type { TraceTxn } from './config.ts'

export interface BrowserBench {
  page: Page
  origin: string
  /** Reloads the page (a fresh JS heap; IndexedDB stays) and waits for the bench API. */
  fresh(): Promise<void>
  close(): Promise<void>
}

/**
 * Chromium with an on-disk profile (so IndexedDB is a real database on disk), on the bench
 * page served from a static server on 127.0.0.1 next to `trace.json`.
 */
export async function startBrowserBench(trace: TraceTxn[]): Promise<BrowserBench> {
  const { dir } = await bundlePage(join(import.meta.dirname, 'page/benchPage.ts'), 'tandem client bench')
  await writeFile(join(dir, 'trace.json'), JSON.stringify(trace))
  const profile = await mkdtemp(join(tmpdir(), 'tandem-bench-profile-'))
  let web: StaticServer | null = null
  let context: BrowserContext | null = null
  try {
    web = await startStaticServer(dir)
    context = await launchChromiumWithProfile(profile)
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
    const ready = () => page.waitForFunction(() => Boolean(window.clientBench), null, { timeout: 30_000 })
    await page.goto(web.origin)
    await ready()
    const started = { web, context }
    return {
      page,
      origin: web.origin,
      async fresh() {
        await page.reload()
        await ready()
      },
      async close() {
        await started.context.close()
        await started.web.close()
        await rm(dir, { recursive: true, force: true })
        await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
      },
    }
  } catch (err) {
    await context?.close()
    await web?.close()
    await rm(profile, { recursive: true, force: true })
    throw err
  }
}
