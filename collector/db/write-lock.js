// The turns this process's threads take to write to a local database file (the ingest write
// thread, the segment engine's thread, the checkpointer's completing passes). SQLite's own
// locks still guard the file; taking turns here first only spares the waiting: SQLite's busy
// handler sleeps 1, 2, 5, 10… ms between retries, so a commit that met the engine's 3 ms
// transaction waited 8–18 ms, while a thread waiting here wakes as soon as the lock is free.
// Plain JavaScript, shared with the workers that start without a TypeScript loader.

const FREE = 0;
const HELD = 1;
/** A waiter gives up after SQLite's busy timeout and leaves the rest to SQLite's locks. */
const GIVE_UP_MS = 5000;

export const createWriteLock = () => new Int32Array(new SharedArrayBuffer(4));

const take = (lock) => Atomics.compareExchange(lock, 0, FREE, HELD) === FREE;

function release(lock) {
  Atomics.store(lock, 0, FREE);
  Atomics.notify(lock, 0, 1);
}

/** Runs `task` in this thread's turn, blocking the thread until then (workers only). */
export function inTurn(lock, task) {
  const deadline = performance.now() + GIVE_UP_MS;
  let owned = take(lock);
  while (!owned && performance.now() < deadline) {
    Atomics.wait(lock, 0, HELD, deadline - performance.now());
    owned = take(lock);
  }
  try {
    return task();
  } finally {
    if (owned) release(lock);
  }
}

/** Runs the async `task` in this thread's turn, waiting for it without blocking the thread. */
export async function inTurnAsync(lock, task) {
  const deadline = performance.now() + GIVE_UP_MS;
  let owned = take(lock);
  while (!owned && performance.now() < deadline) {
    const wait = Atomics.waitAsync(lock, 0, HELD, deadline - performance.now());
    if (wait.async) await wait.value;
    owned = take(lock);
  }
  try {
    return await task();
  } finally {
    if (owned) release(lock);
  }
}
