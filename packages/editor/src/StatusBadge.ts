import type { DocHandle } from '@tandem/client'
import { statusText } from './statusText.ts'

/**
 * The status badge, and the stable contract for tests and embedders: the element carries
 * `data-tandem-status` (offline | connecting | syncing | saved) and `data-tandem-pending`.
 */
export class StatusBadge {
  readonly element: HTMLElement
  private readonly stop: () => void

  constructor(handle: DocHandle, doc: Document = document) {
    this.element = doc.createElement('span')
    this.element.className = 'tandem-status'
    this.element.setAttribute('role', 'status')
    this.element.setAttribute('aria-live', 'polite')
    const render = () => {
      const s = handle.status.value
      this.element.dataset.tandemStatus = s.state
      this.element.dataset.tandemPending = String(s.pending)
      this.element.dataset.tandemDevice = s.device
      this.element.textContent = statusText(s)
      this.element.title = s.lastError ? s.lastError.message : ''
    }
    render()
    this.stop = handle.status.subscribe(render)
  }

  destroy(): void {
    this.stop()
    this.element.remove()
  }
}
