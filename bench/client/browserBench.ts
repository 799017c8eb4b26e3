import { join } from 'node:path'
import { type BenchPage, openBenchPage } from '../openBenchPage.ts'
import type { TraceTxn } from './config.ts'

export type BrowserBench = BenchPage

/** The client bench page (bench/client/page) in Chromium, with `trace.json` served beside it. */
export function startBrowserBench(trace: TraceTxn[]): Promise<BrowserBench> {
  return openBenchPage(join(import.meta.dirname, 'page/benchPage.ts'), 'tandem client bench', 'clientBench', {
    'trace.json': JSON.stringify(trace),
  })
}
