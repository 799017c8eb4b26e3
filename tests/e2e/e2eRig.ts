import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expectSaved, type RelayProcess, readWindowStatus } from '@tandem/testing/browser'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { onTestFailed } from 'vitest'
import { launchChromium } from '../browser/support/chromium.ts'
import { startDevRelay } from '../browser/support/harnessTabs.ts'
import { repoRoot } from '../helpers/serverProcess.ts'
import { playgroundDist } from './buildPlayground.ts'

export const artifacts = join(repoRoot, '.tmp', 'e2e-artifacts')

/**
 * The playground as a person uses it: served by the real relay (a child process from
 * @tandem/testing's `startRelayProcess`, so it can be stopped, killed and restarted on the same
 * port and data), in Debian's Chromium. Every context records a Playwright trace, saved with a
 * screenshot when the test fails.
 */
export class E2eRig {
  server!: RelayProcess
  browser!: Browser
  private readonly contexts: BrowserContext[] = []

  static async start(serverArgs: string[] = []): Promise<E2eRig> {
    const rig = new E2eRig()
    rig.server = await startDevRelay({ args: ['--static', playgroundDist, ...serverArgs] })
    rig.browser = await launchChromium()
    return rig
  }

  get http(): string {
    return `http://127.0.0.1:${this.server.port}`
  }

  /** A new device: its own storage, service workers and identity. */
  async device(name: string): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: { width: 1100, height: 640 } })
    await context.tracing.start({ screenshots: true, snapshots: true, title: name })
    this.contexts.push(context)
    onTestFailed(async ({ task }) => {
      mkdirSync(artifacts, { recursive: true })
      const base = join(artifacts, `${task.name.replace(/\W+/g, '-')}-${name}`)
      for (const [i, page] of context.pages().entries())
        await page.screenshot({ path: `${base}-${i}.png` }).catch(() => {})
      await context.tracing.stop({ path: `${base}-trace.zip` }).catch(() => {})
    })
    return context
  }

  /**
   * Opens document `doc` as user `user` in a new tab of `context`, waiting for the editor.
   * `engine: 'tab'` gives the tab a socket of its own instead of the SharedWorker's: Playwright's
   * offline emulation (`context.setOffline`) reaches pages but not shared workers.
   */
  async open(context: BrowserContext, doc: string, user: string, color?: string, engine?: 'tab'): Promise<Page> {
    const page = await context.newPage()
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
    const q = new URLSearchParams({ doc, name: user, ...(color ? { color } : {}), ...(engine ? { engine } : {}) })
    await page.goto(`${this.http}/?${q}`)
    await page.locator('.ProseMirror').waitFor({ timeout: 15_000 })
    return page
  }

  /** A graceful stop (SIGTERM), which must exit cleanly. */
  async stopServer(): Promise<void> {
    const exit = await this.server.stop()
    if (exit.code !== 0) throw new Error(`relay exited with ${JSON.stringify(exit)}`)
  }

  async killServer(): Promise<void> {
    await this.server.kill()
  }

  async startServer(): Promise<void> {
    await this.server.restart()
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => {})
    await this.server?.close()
  }
}

/** The document text as the editor model holds it (caret labels are not part of it). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (window as unknown as { tandemPage: { editor: { getText(): string } } }).tandemPage.editor.getText(),
  )
}

/** The status badge (`data-tandem-status`/`-pending`), as the fixtures read any Tandem app. */
export const status = readWindowStatus

/** Saved with nothing pending, read from the badge by the fixtures' `expectSaved`. */
export function waitForSaved(page: Page, timeoutMs = 40_000): Promise<void> {
  return expectSaved(page, { timeoutMs })
}
