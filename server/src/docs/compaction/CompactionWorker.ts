import { Worker } from 'node:worker_threads'

/** An idle worker is ended after this long. */
const IDLE_MS = 2_000

interface Pending {
  resolve(snapshot: Uint8Array): void
  reject(err: Error): void
}

/**
 * A worker thread that turns snapshot + log into a new snapshot. Started on first use, and
 * unref'd so an idle relay can exit; one job at a time is all the compactor sends.
 */
export class CompactionWorker {
  private worker: Worker | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  private start(): Worker {
    const worker = new Worker(new URL('./compactWorker.mjs', import.meta.url))
    worker.unref()
    worker.on('message', (m: { id: number; snapshot?: Uint8Array; error?: string }) => {
      const job = this.pending.get(m.id)
      this.pending.delete(m.id)
      if (m.snapshot) job?.resolve(new Uint8Array(m.snapshot))
      else job?.reject(new Error(m.error ?? 'compaction failed'))
      if (this.pending.size === 0) this.retireWhenIdle()
    })
    const fail = (err: Error) => {
      for (const job of this.pending.values()) job.reject(err)
      this.pending.clear()
      if (this.worker === worker) this.worker = null
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`compaction worker exited with ${code}`)))
    return worker
  }

  merge(parts: readonly Uint8Array[]): Promise<Uint8Array> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.worker ??= this.start()
    const id = this.nextId++
    // Copies, so the worker can take ownership of the buffers without touching storage's.
    const copies = parts.map((p) => p.slice())
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker!.postMessage(
        { id, parts: copies },
        copies.map((c) => c.buffer),
      )
    })
  }

  /**
   * A worker's heap keeps what its biggest merge needed; ending it after a quiet spell gives
   * that memory back (a flood of updates otherwise leaves the relay tens of MiB larger).
   */
  private retireWhenIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0) return
      const worker = this.worker
      this.worker = null
      void worker?.terminate()
    }, IDLE_MS)
    this.idleTimer.unref()
  }

  async stop(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }
}
