import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { bundlePage } from '../tests/browser/support/bundlePage.ts'
import { launchChromiumWithProfile } from '../tests/browser/support/chromium.ts'
import { type StaticServer, startStaticServer } from '../tests/browser/support/staticServer.ts'

export interface BenchPage {
  page: Page
  origin: string
  /** Reloads the page (a fresh JS heap; IndexedDB stays) and waits for the bench API again. */
  fresh(): Promise<void>
  close(): Promise<void>
}

/**
 * A bench page in Debian's Chromium, as a user's browser runs it: `entry` bundled and served
 * from 127.0.0.1 with `files` beside it, an on-disk profile (so IndexedDB is a real database
 * on disk), and the page's bench API `window[api]` ready to call.
 */
export async function openBenchPage(
  entry: string,
  title: string,
  api: string,
  files: Record<string, string> = {},
): Promise<BenchPage> {
  const { dir } = await bundlePage(entry, title)
  const profile = await mkdtemp(join(tmpdir(), 'tandem-bench-profile-'))
  let web: StaticServer | null = null
  let context: BrowserContext | null = null
  const cleanUp = async () => {
    await context?.close().catch(() => {})
    await web?.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    web = await startStaticServer(dir)
    context = await launchChromiumWithProfile(profile)
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
    const ready = () =>
      page.waitForFunction((name) => Boolean((window as unknown as Record<string, unknown>)[name]), api, {
        timeout: 30_000,
      })
    await page.goto(web.origin)
    await ready()
    const origin = web.origin
    return {
      page,
      origin,
      async fresh() {
        await page.reload()
        await ready()
      },
      close: cleanUp,
    }
  } catch (err) {
    await cleanUp()
    throw err
  }
}
