// Copies the WAL back into the database file from a thread of its own (see checkpointer.ts).
// Plain JavaScript so the worker starts without a TypeScript loader.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { inTurn } from './write-lock.js';

const { path, intervalMs, restartFrames, lock } = workerData;
const db = new Database(path);
db.exec('PRAGMA busy_timeout=5000');
const pass = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw();

// The WAL header's checkpoint sequence number (bytes 12–15), which grows each time the WAL
// starts over (https://www.sqlite.org/fileformat.html#wal_file_format); -1 when unreadable.
const header = Buffer.alloc(16);
let wal;
function walGeneration() {
  try {
    wal ??= openSync(`${path}-wal`, 'r');
    return readSync(wal, header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : -1;
  } catch {
    return -1;
  }
}

// A commit may start the WAL over once a pass copied all of it, but under steady load a commit
// lands during nearly every pass. Left so, the WAL grew to the automatic checkpoint's threshold
// and commits ran checkpoints themselves (40–120 ms each). So once it holds `restartFrames`
// frames and a pass did not let it start over, a second pass runs in the writers' turn: it
// copies what arrived during the first (a few ms' worth) while nothing commits, and the next
// commit starts the WAL over.
function checkpoint() {
  const generation = walGeneration();
  const [, frames] = pass.get();
  if (frames >= restartFrames && walGeneration() === generation) inTurn(lock, () => pass.get());
}

const timer = setInterval(() => {
  try {
    checkpoint();
  } catch {
    // The next pass retries; the automatic checkpoint is the safety net.
  }
}, intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  if (wal !== undefined) closeSync(wal);
  db.close();
  process.exit(0);
});
