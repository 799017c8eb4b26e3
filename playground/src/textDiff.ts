/** One run of a word diff: kept, added (only in the newer text) or removed (only in the older). */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** Above this many words in the changed middle, the diff gives up on detail (one removed, one added run). */
const MAX_WORDS = 3_000

/**
 * A word-level diff of two texts (longest common subsequence over words and the spaces
 * between them), after trimming what both start and end with, so the usual small edit of a
 * long document stays cheap. Good enough to highlight what a version changed.
 */
export function textDiff(before: string, after: string): DiffPart[] {
  const a = before.split(/(\s+)/).filter((w) => w !== '')
  const b = after.split(/(\s+)/).filter((w) => w !== '')
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let end = 0
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++
  const parts: DiffPart[] = []
  const push = (kind: DiffPart['kind'], text: string) => {
    if (text === '') return
    const last = parts.at(-1)
    if (last?.kind === kind) last.text += text
    else parts.push({ kind, text })
  }
  push('same', a.slice(0, start).join(''))
  const x = a.slice(start, a.length - end)
  const y = b.slice(start, b.length - end)
  if (x.length > MAX_WORDS || y.length > MAX_WORDS) {
    push('removed', x.join(''))
    push('added', y.join(''))
  } else {
    // lcs[i][j]: length of the common subsequence of x[i..] and y[j..].
    const lcs = Array.from({ length: x.length + 1 }, () => new Uint16Array(y.length + 1))
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
      }
    }
    let i = 0
    let j = 0
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        push('same', x[i++]!)
        j++
      } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) push('removed', x[i++]!)
      else push('added', y[j++]!)
    }
  }
  push('same', a.slice(a.length - end).join(''))
  return parts
}
