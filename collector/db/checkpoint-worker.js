// Copies the WAL back into the database file from a thread of its own (see checkpointer.ts).
// Plain JavaScript so the worker starts without a TypeScript loader.
import { closeSync, fdatasyncSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { announceThreadId } from '../metrics/thread-cpu.js';
import { inTurn } from './write-lock.js';

const { path, intervalMs, restartFrames, lock } = workerData;
announceThreadId(parentPort);
const db = new Database(path);
db.exec('PRAGMA busy_timeout=5000');
const pass = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw();

// The WAL header's checkpoint sequence number (bytes 12–15), which grows each time the WAL
// starts over (https://www.sqlite.org/fileformat.html#wal_file_format); -1 when unreadable.
const header = Buffer.alloc(16);
let wal;
const walFile = () => (wal ??= openSync(`${path}-wal`, 'r'));
function walGeneration() {
  try {
    return readSync(walFile(), header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : -1;
  } catch {
    return -1;
  }
}

// A commit may start the WAL over once a pass copied all of it, but under steady load a commit
// lands during nearly every pass. Left so, the WAL grew to the automatic checkpoint's threshold
// and commits ran checkpoints themselves (40–120 ms each). So once it holds `restartFrames`
// frames and a pass did not let it start over, the WAL is settled (below) and a last pass runs
// in the writers' turn: it copies what arrived since (a few ms' worth) while nothing commits,
// and the next commit starts the WAL over.
function checkpoint() {
  const generation = walGeneration();
  const [, frames] = pass.get();
  if (frames >= restartFrames && walGeneration() === generation) {
    settle();
    inTurn(lock, () => pass.get());
  }
}

// The pass in the writers' turn flushes the WAL, copies what is left and flushes the database
// file; on this disk a flush of a few ms of commits took up to 45 ms, and every writer waited
// for it. So first, outside the turn, rounds of flush, copy, flush take in what arrived during
// the previous one, until a round is quick: the turn's pass then has only the last few ms of
// commits to flush (ingest bench, restarts every ~1.3 s: longest pause 47 → 11 ms).
const QUICK_ROUND_MS = 2;
const MAX_ROUNDS = 4;
let file;
function settle() {
  file ??= openSync(path, 'r');
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const started = performance.now();
    fdatasyncSync(walFile());
    pass.get();
    fdatasyncSync(file);
    if (performance.now() - started < QUICK_ROUND_MS) return;
  }
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
  if (file !== undefined) closeSync(file);
  db.close();
  process.exit(0);
});
