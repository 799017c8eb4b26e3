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
/** Latency buckets in seconds: sub-millisecond commits up to multi-second stalls. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

interface Histogram {
  help: string
  counts: number[]
  sum: number
  count: number
}

export class Metrics {
  private readonly series = new Map<string, Series>()
  private readonly gauges = new Map<string, () => number>()
  private readonly histograms = new Map<string, Histogram>()

  /** Records one observation, in seconds. */
  observe(name: string, help: string, seconds: number): void {
    let h = this.histograms.get(name)
    if (!h) {
      h = { help, counts: BUCKETS.map(() => 0), sum: 0, count: 0 }
      this.histograms.set(name, h)
    }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++
    h.sum += seconds
    h.count++
  }

  histogramCount(name: string): number {
    return this.histograms.get(name)?.count ?? 0
  }

  /** Adds to a counter; unlabelled counters skip building a key, as they sit on hot paths. */
  inc(name: string, help: string, labels?: Labels, by = 1): void {
    const s = this.get(name, help, 'counter')
    const key = labels ? labelKey(labels) : ''
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
    for (const [name, h] of this.histograms) {
      lines.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`)
      for (const [i, le] of BUCKETS.entries()) lines.push(`${name}_bucket{le="${le}"} ${h.counts[i]}`)
      lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}
