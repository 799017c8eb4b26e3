import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { onTestFailed } from 'vitest'
import { launchChromium } from '../browser/support/chromium.ts'
import { repoRoot, type ServerProcess, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { playgroundDist } from './buildPlayground.ts'

export const artifacts = join(repoRoot, '.tmp', 'e2e-artifacts')

/**
 * The playground as a person uses it: served by the real relay (a child process, so it can
 * be stopped, killed and restarted on the same port and data), in Debian's Chromium. Every
 * context records a Playwright trace, saved with a screenshot when the test fails.
 */
export class E2eRig {
  server!: ServerProcess
  browser!: Browser
  dir = ''
  port = 0
  private readonly contexts: BrowserContext[] = []
  /** Relay flags beyond serving the playground, kept across restarts. */
  private serverArgs: string[] = []

  static async start(serverArgs: string[] = []): Promise<E2eRig> {
    const rig = new E2eRig()
    rig.dir = await makeTempDir('e2e')
    rig.serverArgs = serverArgs
    rig.server = await spawnServer({ dataDir: rig.dir, extraArgs: ['--static', playgroundDist, ...serverArgs] })
    rig.port = rig.server.port
    rig.browser = await launchChromium()
    return rig
  }

  get http(): string {
    return `http://127.0.0.1:${this.port}`
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

  /** Opens document `doc` as user `user` in a new tab of `context`, waiting for the editor. */
  async open(context: BrowserContext, doc: string, user: string, color?: string): Promise<Page> {
    const page = await context.newPage()
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
    const q = new URLSearchParams({ doc, name: user, ...(color ? { color } : {}) })
    await page.goto(`${this.http}/?${q}`)
    await page.locator('.ProseMirror').waitFor({ timeout: 15_000 })
    return page
  }

  async stopServer(): Promise<void> {
    const exit = await this.server.terminate()
    if (exit.code !== 0) throw new Error(`relay exited with ${JSON.stringify(exit)}`)
  }

  async killServer(): Promise<void> {
    await this.server.kill9()
  }

  async startServer(): Promise<void> {
    this.server = await spawnServer({
      dataDir: this.dir,
      port: this.port,
      extraArgs: ['--static', playgroundDist, ...this.serverArgs],
    })
  }

  async close(): Promise<void> {
    await this.browser?.close().catch(() => {})
    if (this.server?.alive()) await this.server.kill9()
    if (this.dir) await removeDir(this.dir)
  }
}

/** The document text as the editor model holds it (caret labels are not part of it). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (window as unknown as { tandemPage: { editor: { getText(): string } } }).tandemPage.editor.getText(),
  )
}

export function status(page: Page): Promise<{ state: string; pending: number }> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-tandem-status]')!
    return { state: el.dataset.tandemStatus ?? '', pending: Number(el.dataset.tandemPending) }
  })
}

export async function waitForStatus(page: Page, state: string, timeoutMs = 40_000): Promise<void> {
  await page.locator(`[data-tandem-status="${state}"]`).waitFor({ timeout: timeoutMs })
}
