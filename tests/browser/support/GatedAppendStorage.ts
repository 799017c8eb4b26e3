import type { AppendEntry } from '@tandem/server'
import { DelegatingStorage } from '../../helpers/DelegatingStorage.ts'
import { Gate } from '../../helpers/Gate.ts'

/**
 * Relay storage whose commits can be held back: while held, `append` waits, so the relay can
 * neither forward nor ack the update (it does both only after commit). Everything else
 * passes through to the real SQLite storage.
 */
export class GatedAppendStorage extends DelegatingStorage {
  private readonly gate = new Gate()
  /** Entries committed so far, with the time each append resolved. */
  readonly committed: { at: number; entries: number }[] = []
  /** Appends called so far, committed or still waiting at the gate. */
  started = 0

  hold(): void {
    this.gate.hold()
  }

  release(): void {
    this.gate.release()
  }

  override async append(entries: readonly AppendEntry[]): Promise<void> {
    this.started++
    await this.gate.pass()
    await this.inner.append(entries)
    this.committed.push({ at: Date.now(), entries: entries.length })
  }

  override close(): Promise<void> {
    this.release()
    return this.inner.close()
  }
}
