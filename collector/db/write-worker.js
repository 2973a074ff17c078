// Commits the ingest writer's rows on a thread of its own, through statements prepared once:
// SQLite calls are synchronous, so committing on the main thread would stop it from reading
// and validating the next requests meanwhile. Plain JavaScript so the worker starts without
// a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { inTurn } from './write-lock.js';

const {
  path,
  pragmas,
  insertEvent,
  insertEvents,
  rowsPerInsert,
  rowValues,
  insertFailed,
  insertConsent,
  lock,
} = workerData;
const db = new Database(path);
for (const pragma of pragmas) db.exec(pragma);
const event = db.prepare(insertEvent);
const events = db.prepare(insertEvents);
const failed = db.prepare(insertFailed);
const consentRecord = db.prepare(insertConsent);
const values = new Array(rowsPerInsert * rowValues);

// `rowsPerInsert` rows per statement while that many are left, then one by one.
function insertAll(rows) {
  let i = 0;
  for (; i + rowsPerInsert <= rows.length; i += rowsPerInsert) {
    let v = 0;
    for (let r = i; r < i + rowsPerInsert; r++) {
      const row = rows[r];
      for (let c = 0; c < rowValues; c++) values[v++] = row[c];
    }
    events.run(values);
  }
  for (; i < rows.length; i++) event.run(rows[i]);
}

const commit = db.transaction((rows, failures, decisions) => {
  insertAll(rows);
  for (const row of failures) failed.run(row);
  for (const row of decisions) consentRecord.run(row);
});

parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    process.exit(0);
  }
  try {
    inTurn(lock, () => commit(message.events, message.failed, message.consent));
    parentPort.postMessage({ id: message.id });
  } catch (err) {
    parentPort.postMessage({ id: message.id, error: String(err?.message ?? err) });
  }
});
