import type { AppendEntry } from '@tandem/server'
import { DelegatingStorage } from '../../helpers/DelegatingStorage.ts'

/**
 * Relay storage whose commits can be held back: while held, `append` waits, so the relay can
 * neither forward nor ack the update (it does both only after commit). Everything else
 * passes through to the real SQLite storage.
 */
export class GatedAppendStorage extends DelegatingStorage {
  private gate: Promise<void> | null = null
  private open: (() => void) | null = null
  /** Entries committed so far, with the time each append resolved. */
  readonly committed: { at: number; entries: number }[] = []

  hold(): void {
    this.gate ??= new Promise<void>((resolve) => {
      this.open = resolve
    })
  }

  release(): void {
    this.open?.()
    this.gate = this.open = null
  }

  override async append(entries: readonly AppendEntry[]): Promise<void> {
    while (this.gate) await this.gate
    await this.inner.append(entries)
    this.committed.push({ at: Date.now(), entries: entries.length })
  }

  override close(): Promise<void> {
    this.release()
    return this.inner.close()
  }
}
