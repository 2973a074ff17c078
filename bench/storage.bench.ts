// Storage only: rows/s through the collector's real storage path (writer → write thread →
// SQLite commit → ack, with the checkpointer, wired as start.ts does) against a
// raw libsql loop on the same schema (one prepared single-row INSERT per row, 640-row
// transactions, SQLite's default checkpointing), in one run. No HTTP: 32 producers of
// 20 rows each, every row its own messageId, 50,000 distinct anonymous ids — bench/post.lua's
// shape. `npm run bench -- storage`; BENCH_SECONDS (default 8) per side.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { LATE_AUTOCHECKPOINT, startCheckpointer } from '../collector/db/checkpointer.js';
import { CONNECTION_PRAGMAS, openDatabase } from '../collector/db/client.js';
import { createWriteLock } from '../collector/db/write-lock.js';
import { startWriteThread } from '../collector/db/write-thread.js';
import { INSERT_EVENT_ROW } from '../collector/ingest/row-sql.js';
import { createWriter, type EventRow } from '../collector/ingest/writer.js';
import { eventRows } from './event-rows.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const PRODUCERS = 32;
const PER_WRITE = 20;
const dir = mkdtempSync(join(tmpdir(), 'segmently-storage-'));

const rows = eventRows('a1b2c3d4-e5f6-4789-8abc-0123456789ab');

/** CPU time of every thread of this process since `since`, in µs. */
const cpuMicros = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

const walMb = (path: string) => {
  try {
    return statSync(`${path}-wal`).size / 2 ** 20;
  } catch {
    return 0;
  }
};

async function raw(seconds: number) {
  const path = join(dir, 'raw.db');
  (await openDatabase(`file:${path}`)).close();
  const db = new Database(path);
  for (const pragma of CONNECTION_PRAGMAS) db.exec(pragma);
  const insert = db.prepare(INSERT_EVENT_ROW);
  const commit = db.transaction((group: EventRow[]) => {
    for (const r of group) insert.run(r);
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < seconds * 1000) {
    commit(rows(PRODUCERS * PER_WRITE));
    count += PRODUCERS * PER_WRITE;
  }
  const rate = count / ((performance.now() - started) / 1000);
  const cpuPerRow = cpuMicros(cpu) / count;
  db.close();
  return { rate, cpuPerRow, walMb: walMb(path) };
}

async function product(seconds: number) {
  const path = join(dir, 'product.db');
  const database = await openDatabase(`file:${path}`);
  const lock = createWriteLock();
  const checkpointer = await startCheckpointer(database.client, path, lock);
  const thread = startWriteThread(path, [...CONNECTION_PRAGMAS, LATE_AUTOCHECKPOINT], lock);
  const writer = createWriter(thread.commit);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + seconds * 1000;
  let count = 0;
  let maxWal = 0;
  const sampler = setInterval(() => (maxWal = Math.max(maxWal, walMb(path))), 100);
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (performance.now() < end) {
        await writer.write(rows(PER_WRITE));
        count += PER_WRITE;
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  const cpuPerRow = cpuMicros(cpu) / count;
  clearInterval(sampler);
  const { flushes, rows: flushed } = writer.stats;
  await writer.close();
  await thread.stop();
  await checkpointer.stop();
  database.close();
  return { rate, cpuPerRow, walMb: maxWal, perCommit: flushed / flushes };
}

const fmt = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
try {
  await raw(1);
  const base = await raw(SECONDS);
  const ours = await product(SECONDS);
  console.log(
    `raw libsql loop (1 row/statement, 640-row tx)    ${fmt(base.rate).padStart(9)} rows/s  CPU ${fmt(base.cpuPerRow, 2)} µs/row  WAL ${fmt(base.walMb, 1)} MB`,
  );
  console.log(
    `collector storage path (writer + write thread)   ${fmt(ours.rate).padStart(9)} rows/s  CPU ${fmt(ours.cpuPerRow, 2)} µs/row (all threads)  WAL ≤ ${fmt(ours.walMb, 1)} MB  ${fmt(ours.perCommit)} rows/commit  ${fmt(ours.rate / base.rate, 2)}× raw rows/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
