// Opening and closing many bench clients with bounded concurrency and bounded time.
import { BenchClient, type ClientOptions } from './BenchClient.ts'

/** Creates the clients `batch` at a time and waits until each is ready (all within `timeoutMs`). */
export async function openAll(options: ClientOptions[], batch: number, timeoutMs: number): Promise<BenchClient[]> {
  const clients: BenchClient[] = []
  const deadline = performance.now() + timeoutMs
  try {
    for (let i = 0; i < options.length; i += batch) {
      const group = options.slice(i, i + batch).map((o) => new BenchClient(o))
      clients.push(...group)
      const left = deadline - performance.now()
      await withTimeout(Promise.all(group.map((c) => c.ready)), left, `opening ${options.length} clients`)
    }
  } catch (err) {
    await closeAll(clients)
    throw err
  }
  return clients
}

export async function closeAll(clients: BenchClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()))
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout (${Math.round(ms)} ms): ${what}`)), Math.max(0, ms))
    p.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
