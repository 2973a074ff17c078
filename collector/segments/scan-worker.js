// Runs a full recompute's event scan on a thread of its own, so SQLite reads the next chunk
// while the main thread turns the previous one into facts. Plain JavaScript so the worker
// starts without a TypeScript loader. Chunks go out as they are read, at most `ahead`
// unconsumed (the main thread lowers the shared counter as it takes them).
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

const { url, sql, sourceId, maxSeq, chunk, ahead, pending } = workerData;
const inFlight = new Int32Array(pending);
const client = createClient({ url, concurrency: 1 });
try {
  for (let after = 0; after < maxSeq; after += chunk) {
    for (let n = Atomics.load(inFlight, 0); n >= ahead; n = Atomics.load(inFlight, 0)) {
      Atomics.wait(inFlight, 0, n);
    }
    const r = await client.execute({ sql, args: [sourceId, after, after] });
    Atomics.add(inFlight, 0, 1);
    parentPort.postMessage(r.rows[0]?.[0] ?? null);
  }
  parentPort.postMessage({ done: true });
} finally {
  client.close();
}
