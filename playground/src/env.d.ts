// Vite's `?sharedworker` imports: the default export starts the bundled module as a SharedWorker.
declare module '*?sharedworker' {
  const SharedWorkerModule: { new (options?: { name?: string }): SharedWorker }
  export default SharedWorkerModule
}
