import { createTandem } from '@tandem/client'
import { TandemProvider, useDoc, usePresence, useRecords } from '@tandem/react'
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { TiptapEditor } from './Editor.tsx'

const params = new URLSearchParams(location.search)
const server = params.get('server') ?? location.origin.replace(/^http/, 'ws')
const user = { name: params.get('name') ?? 'Guest', color: '#4363d8' }
// One client for the page, made outside React: StrictMode cannot open a second socket.
const tandem = createTandem({ url: server, user })
const DOC = params.get('doc') ?? 'examples/react'

function App() {
  const { handle, status, pending } = useDoc(DOC)
  const { others } = usePresence(DOC)
  const { records, put, update, lastRejected } = useRecords('examples-tasks')
  const [title, setTitle] = useState('')
  return (
    <main>
      <p data-tandem-status={status} data-tandem-pending={pending}>
        {status === 'saved' ? 'All changes saved' : `${status}, ${pending} pending`}; {others.length} others here
      </p>
      {handle && <TiptapEditor handle={handle} user={user} />}
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void put(`t${Date.now()}`, { title, done: false })
          setTitle('')
        }}
      >
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="New task" />
      </form>
      <ul>
        {records.map(({ id, values }) => (
          <li key={id}>
            <label>
              <input
                type="checkbox"
                checked={values.done === true}
                onChange={(e) => void update(id, { done: e.target.checked })}
              />
              {String(values.title)}
            </label>
          </li>
        ))}
      </ul>
      {lastRejected && <p role="alert">The server refused a change ({lastRejected.reason}); it was rolled back.</p>}
    </main>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TandemProvider client={tandem}>
      <App />
    </TandemProvider>
  </StrictMode>,
)
