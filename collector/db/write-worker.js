// Commits the ingest writer's rows on a thread of its own, through statements prepared once:
// SQLite calls are synchronous, so committing on the main thread would stop it from reading
// and validating the next requests meanwhile. Plain JavaScript so the worker starts without
// a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';

const { path, pragmas, insertEvent, insertFailed } = workerData;
const db = new Database(path);
for (const pragma of pragmas) db.exec(pragma);
const event = db.prepare(insertEvent);
const failed = db.prepare(insertFailed);
const commit = db.transaction((events, failures) => {
  for (const row of events) event.run(row);
  for (const row of failures) failed.run(row);
});

parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    process.exit(0);
  }
  try {
    commit(message.events, message.failed);
    parentPort.postMessage({ id: message.id });
  } catch (err) {
    parentPort.postMessage({ id: message.id, error: String(err?.message ?? err) });
  }
});
