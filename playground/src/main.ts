import { connect } from './connect.ts'
import { renderDoc } from './docPage.ts'
import { renderHome } from './home.ts'
import { identity } from './identity.ts'
import './style.css'

const user = identity()
const me = document.getElementById('me')!
me.textContent = user.name
me.style.color = user.color
const root = document.getElementById('app')!
const doc = new URLSearchParams(location.search).get('doc')
if (doc) renderDoc(root, connect(user), doc, user)
else renderHome(root)

// Installable and offline-capable: the worker keeps the app shell for loads with no server.
if ('serviceWorker' in navigator) {
  // A module worker: it imports the Background Sync code (built like the pages).
  navigator.serviceWorker
    .register('/sw.js', { type: 'module' })
    .catch((err) => console.warn('[tandem] service worker:', err))
}
