/** Vite's `?worker` import: a constructor of the module as a worker, emitted as a file of its own. */
declare module 'altcha/workers/pbkdf2?worker' {
  const WorkerConstructor: new () => Worker;
  export default WorkerConstructor;
}
