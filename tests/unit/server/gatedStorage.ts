import type { AppendEntry, StoredDoc } from '@tandem/server'
import { DelegatingStorage } from '../../helpers/DelegatingStorage.ts'

/**
 * Wraps a real adapter so a test can count calls, hold appends or loads until it releases
 * them, or make appends fail: the only way to observe ordering such as "commit before
 * broadcast" from outside.
 */
export class GatedStorage extends DelegatingStorage {
  appendCalls = 0
  appendedUpdates = 0
  loadCalls = 0
  holdAppends = false
  holdLoads = false
  failAppends = false
  failLoads = false
  private waiting: (() => void)[] = []

  release(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const go of waiting) go()
  }

  get held(): number {
    return this.waiting.length
  }

  private gate(hold: boolean): Promise<void> {
    return hold ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve()
  }

  override async ping(): Promise<void> {
    if (this.failLoads) throw new Error('disk unreadable (test)')
    return this.inner.ping()
  }

  override async load(doc: string): Promise<StoredDoc> {
    this.loadCalls++
    await this.gate(this.holdLoads)
    if (this.failLoads) throw new Error('disk unreadable (test)')
    return this.inner.load(doc)
  }

  override async append(entries: readonly AppendEntry[]): Promise<void> {
    this.appendCalls++
    await this.gate(this.holdAppends)
    if (this.failAppends) throw new Error('disk on fire (test)')
    await this.inner.append(entries)
    this.appendedUpdates += entries.length
  }
}
