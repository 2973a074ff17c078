// Copies the WAL back into the database file from a thread of its own, so the writer's
// commits on the main thread never stall on a checkpoint. Plain JavaScript so the worker
// starts without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

const client = createClient({ url: workerData.url, concurrency: 1 });
await client.execute('PRAGMA busy_timeout=5000');
const timer = setInterval(() => {
  // PASSIVE never waits for, nor blocks, the writer.
  client.execute('PRAGMA wal_checkpoint(PASSIVE)').catch(() => {});
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  client.close();
  process.exit(0);
});
