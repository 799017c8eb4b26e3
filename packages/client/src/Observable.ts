/** A value that can be read now and watched for changes; listeners run synchronously. */
export class Observable<T> {
  private readonly listeners = new Set<(value: T) => void>()

  constructor(
    private current: T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
  ) {}

  get value(): T {
    return this.current
  }

  set(next: T): void {
    if (this.equals(this.current, next)) return
    this.current = next
    for (const listener of [...this.listeners]) listener(next)
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves with the first value (the current one included) that satisfies `predicate`. */
  when(predicate: (value: T) => boolean): Promise<T> {
    if (predicate(this.current)) return Promise.resolve(this.current)
    return new Promise((resolve) => {
      const stop = this.subscribe((v) => {
        if (!predicate(v)) return
        stop()
        resolve(v)
      })
    })
  }
}
