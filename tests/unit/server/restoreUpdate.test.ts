import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { restoreUpdate } from '../../../server/src/docs/restoreUpdate.ts'

const state = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc)

describe('restoreUpdate', () => {
  it('makes every kind of root type equal the version, and later concurrent edits still merge', () => {
    const live = new Y.Doc()
    live.getText('text').insert(0, 'bold start', { bold: true })
    live.getMap('map').set('keep', 1)
    live.getMap('map').set('drop', 2)
    const nested = new Y.Map()
    live.getArray('list').insert(0, [1, nested])
    nested.set('deep', 'old')
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('hello')])
    live.getXmlFragment('rich').insert(0, [p])
    const version = state(live)
    const offline = new Y.Doc()
    Y.applyUpdate(offline, version)

    live.getText('text').insert(10, ' and more')
    live.getMap('map').delete('drop')
    live.getMap('map').set('added', 3)
    nested.set('deep', 'new')
    live.getArray('list').push([9])
    live.getXmlFragment('rich').insert(1, [new Y.XmlElement('heading')])
    live.getText('untouched').insert(0, 'only later')

    const expected = new Y.Doc()
    Y.applyUpdate(expected, version)
    Y.applyUpdate(live, restoreUpdate(state(live), version))
    const view = (d: Y.Doc) => [
      d.getText('text').toString(),
      d.getMap('map').toJSON(),
      d.getArray('list').toJSON(),
      d.getXmlFragment('rich').toString(),
    ]
    expect(view(live)).toEqual(view(expected))
    expect(view(live)[2]).toEqual([1, { deep: 'old' }])
    expect(live.getText('text').toDelta()).toEqual([{ insert: 'bold start', attributes: { bold: true } }])
    expect(live.getText('untouched').toString()).toBe('')

    offline.getMap('map').set('offline', true)
    Y.applyUpdate(live, state(offline))
    expect(live.getMap('map').get('offline')).toBe(true)
    // Nothing differs: no new content (the update still carries the delete set, as Yjs diffs do).
    expect(Y.decodeUpdate(restoreUpdate(state(live), state(live))).structs).toEqual([])
  })
})
