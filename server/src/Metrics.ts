type Labels = Record<string, string>

interface Series {
  help: string
  type: 'counter' | 'gauge'
  values: Map<string, number>
}

const labelKey = (labels: Labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',')

/**
 * Counters and gauges in Prometheus' text format. Label sets are small and fixed (reasons,
 * kinds), never user input, so the number of series stays bounded.
 */
export class Metrics {
  private readonly series = new Map<string, Series>()
  private readonly gauges = new Map<string, () => number>()

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const s = this.get(name, help, 'counter')
    const key = labelKey(labels)
    s.values.set(key, (s.values.get(key) ?? 0) + by)
  }

  /** A gauge read when scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.get(name, help, 'gauge')
    this.gauges.set(name, read)
  }

  value(name: string, labels: Labels = {}): number {
    const read = this.gauges.get(name)
    return read ? read() : (this.series.get(name)?.values.get(labelKey(labels)) ?? 0)
  }

  private get(name: string, help: string, type: Series['type']): Series {
    let s = this.series.get(name)
    if (!s) {
      s = { help, type, values: new Map() }
      this.series.set(name, s)
    }
    return s
  }

  render(): string {
    const lines: string[] = []
    for (const [name, s] of this.series) {
      lines.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`)
      const read = this.gauges.get(name)
      if (read) lines.push(`${name} ${read()}`)
      else for (const [key, v] of s.values) lines.push(`${name}${key ? `{${key}}` : ''} ${v}`)
    }
    return `${lines.join('\n')}\n`
  }
}
