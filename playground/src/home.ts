import { recentDocs } from './recentDocs.ts'

/** The home page: open or create a document, and the recent ones. */
export function renderHome(root: HTMLElement): void {
  const form = document.createElement('form')
  form.className = 'new-doc'
  form.innerHTML = `<label>Open or create a document <input name="doc" required placeholder="e.g. team/notes" /></label>
    <button type="submit">Open</button>`
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const name = new FormData(form).get('doc')
    if (typeof name === 'string' && name.trim()) location.search = `?doc=${encodeURIComponent(name.trim())}`
  })
  const random = document.createElement('a')
  random.href = `?doc=${encodeURIComponent(`scratch-${Math.random().toString(36).slice(2, 8)}`)}`
  random.textContent = 'New scratch document'
  const list = document.createElement('ul')
  list.className = 'recent'
  for (const d of recentDocs()) {
    const li = document.createElement('li')
    const a = document.createElement('a')
    a.href = `?doc=${encodeURIComponent(d.name)}`
    a.textContent = d.name
    const when = document.createElement('time')
    when.textContent = new Date(d.openedAt).toLocaleString()
    li.append(a, ' ', when)
    list.append(li)
  }
  const heading = document.createElement('h2')
  heading.textContent = list.children.length ? 'Recent documents' : 'No documents yet'
  root.replaceChildren(form, random, heading, list)
}
