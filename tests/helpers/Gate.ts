/**
 * A gate a test closes to hold work back and opens to let it all through: `pass()` waits
 * while the gate is held. The stores and storages that fake slow or stalled commits use it.
 */
export class Gate {
  private closed: Promise<void> | null = null
  private openIt: (() => void) | null = null

  hold(): void {
    this.closed ??= new Promise<void>((resolve) => {
      this.openIt = resolve
    })
  }

  release(): void {
    this.openIt?.()
    this.closed = this.openIt = null
  }

  get holding(): boolean {
    return this.closed !== null
  }

  /** Resolves once the gate is open (at once when it is). */
  async pass(): Promise<void> {
    while (this.closed) await this.closed
  }
}
