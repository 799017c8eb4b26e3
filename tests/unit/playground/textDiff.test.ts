import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { textDiff } from '../../../playground/src/textDiff.ts'
import { versionText } from '../../../playground/src/versionText.ts'

const render = (before: string, after: string) =>
  textDiff(before, after)
    .map((p) => (p.kind === 'same' ? p.text : p.kind === 'added' ? `[+${p.text}]` : `[-${p.text}]`))
    .join('')

describe('textDiff', () => {
  it('marks removed and added words, removals first, and keeps the rest', () => {
    expect(render('First draft. Second thoughts.', 'First draft. Second guesses.')).toBe(
      'First draft. Second [-thoughts.][+guesses.]',
    )
    expect(render('', 'new text')).toBe('[+new text]')
    expect(render('a b c', 'a c')).toBe('a [-b ]c')
    expect(render('same', 'same')).toBe('same')
  })

  it('always rebuilds both texts: same+removed is the old one, same+added the new one', () => {
    const before = 'the quick brown fox jumps over the lazy dog '.repeat(20)
    const after = before.replace(/brown/g, 'red').replace('lazy dog', 'sleepy cat') + 'the end'
    const parts = textDiff(before, after)
    expect(
      parts
        .filter((p) => p.kind !== 'added')
        .map((p) => p.text)
        .join(''),
    ).toBe(before)
    expect(
      parts
        .filter((p) => p.kind !== 'removed')
        .map((p) => p.text)
        .join(''),
    ).toBe(after)
  })
})

describe('versionText', () => {
  it('reads the editor fragment as one line per block, marks dropped', () => {
    const doc = new Y.Doc()
    const fragment = doc.getXmlFragment('default')
    const p1 = new Y.XmlElement('paragraph')
    const t1 = new Y.XmlText()
    p1.insert(0, [t1])
    const p2 = new Y.XmlElement('paragraph')
    const t2 = new Y.XmlText()
    p2.insert(0, [t2])
    fragment.insert(0, [p1, p2])
    t1.insert(0, 'bold', { bold: true })
    t1.insert(4, ' and plain')
    t2.insert(0, 'second block')
    expect(versionText(doc)).toBe('bold and plain\nsecond block')
  })
})
