// Commits the ingest writer's rows on a thread of its own, through statements prepared once:
// SQLite calls are synchronous, so committing on the main thread would stop it from reading
// and validating the next requests meanwhile. Plain JavaScript so the worker starts without
// a TypeScript loader.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { announceThreadId } from '../metrics/thread-cpu.js';
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
announceThreadId(parentPort);
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

// A commit's messages (each `{id, events, failed, consent}`) in one transaction.
const commit = db.transaction((messages) => {
  insertAll(messages.length === 1 ? messages[0].events : messages.flatMap((m) => m.events));
  for (const m of messages) {
    for (const row of m.failed) failed.run(row);
    for (const row of m.consent) consentRecord.run(row);
  }
});

function commitAndAnswer(messages) {
  try {
    inTurn(lock, () => commit(messages));
    for (const m of messages) parentPort.postMessage({ id: m.id });
  } catch (err) {
    if (messages.length === 1) {
      parentPort.postMessage({ id: messages[0].id, error: String(err?.message ?? err) });
    } else {
      // One message's rows must not sink the others: each alone, as the writer sent them.
      for (const m of messages) commitAndAnswer([m]);
    }
  }
}

function stop() {
  db.close();
  process.exit(0);
}

parentPort.on('message', (message) => {
  if (message === 'stop') return stop();
  // Groups that arrived while the last one committed (the writer sends the next one early
  // under load) join this transaction.
  const messages = [message];
  let stopping = false;
  let queued = receiveMessageOnPort(parentPort);
  while (queued !== undefined) {
    if (queued.message === 'stop') {
      stopping = true;
      break;
    }
    messages.push(queued.message);
    queued = receiveMessageOnPort(parentPort);
  }
  commitAndAnswer(messages);
  if (stopping) stop();
});
