// Segments: full recompute of all built-in segments over 1M events / 100k profiles, and
// event → membership latency while ingestion runs, each printed next to a baseline measured
// in the same run (a plain SQL scan of the same events; the ingest acknowledgement).
// Device and locale columns are filled as ingest's enrichment would from the user agent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../collector/env.js';
import { silentLogger } from '../collector/log.js';
import { buildCollector } from '../collector/start.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const DAY = 86_400_000;
const UA = {
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  desktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
};

const dir = mkdtempSync(join(tmpdir(), 'segmently-bench-'));
const env = parseEnv({
  NODE_ENV: 'test',
  DATABASE_URL: `file:${join(dir, 'bench.db')}`,
  SEGMENTLY_ADMIN_TOKEN: 'bench-admin-token-0123456789',
});
// Threads as the server (main.ts) runs them: ingest commits on the write thread with
// background checkpoints, the segment engine on its own thread. BENCH_IN_PROCESS=1 keeps
// everything on the main thread, as tests do (and as BENCH_CPU_PROFILE needs).
const serverLike = !process.env.BENCH_IN_PROCESS;
/**
 * Background ingest rate of the latency measurement, in events per second (432M a day). The
 * engine keeps up with 5,000 here; at 10,000 sustained it falls seconds behind.
 */
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE ?? 5_000);
const collector = await buildCollector({
  env,
  log: silentLogger,
  segmentSweepMs: 0,
  writeThread: serverLike,
  engineThread: serverLike,
});
const { client } = collector.deps.database;
const engine = collector.deps.segmentEngine;
const source = await collector.deps.sources.create({ name: 'Bench' });
await engine.idle();
const now = Date.now();

const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
// CPU time of the whole process (all threads): on a shared machine wall time is mostly noise.
const cpuTime = async <T>(fn: () => Promise<T>): Promise<[number, number, T]> => {
  const before = process.cpuUsage();
  const [ms, v] = await time(fn);
  const used = process.cpuUsage(before);
  return [ms, (used.user + used.system) / 1000, v];
};
const loadAvg = () => `load ${loadavg()[0]?.toFixed(1)}`;

// Each profile is active over a two-week stretch ending somewhere in the last 60 days:
// a mix of new, regular, inactive and dormant visitors; a quarter of them identify. (The
// CAST: a JS number binds as REAL, making ids like 'anon-1.0' that no load event hits.)
const [genMs] = await time(() =>
  client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1),
      e AS (SELECT i, i % CAST(? AS INTEGER) AS p, (i * 1103515245 + 12345) / 65536 % 100 AS r FROM n)
      INSERT INTO events (source_id, message_id, type, event, anonymous_id, user_id, timestamp,
        received_at, properties, traits, context, device_type, os, browser, locale)
      SELECT ?, 'bench-' || i,
        CASE WHEN r < 55 THEN 'page' WHEN r < 97 OR p % 4 != 0 THEN 'track' ELSE 'identify' END,
        CASE WHEN r < 55 THEN NULL WHEN r < 75 THEN 'ViewContent' WHEN r < 87 THEN 'AddToCart'
          WHEN r < 92 THEN 'InitiateCheckout' WHEN r < 97 THEN 'Purchase'
          WHEN p % 4 != 0 THEN 'Search' END,
        'anon-' || p,
        CASE WHEN r >= 97 AND p % 4 = 0 THEN 'user-' || p END,
        ? - (p * 7919 % 60) * ${DAY} - abs(random()) % ${14 * DAY},
        ?,
        CASE WHEN r >= 55 THEN json_object('cart_id', 'c' || p || '-' || (i % 3), 'value', r) END,
        CASE WHEN r >= 97 AND p % 4 = 0 THEN json_object('email', 'user' || p || '@example.com') END,
        json_object('userAgent', CASE p % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END,
          'locale', CASE p % 4 WHEN 0 THEN 'en-US' WHEN 1 THEN 'de-DE' WHEN 2 THEN 'fr-FR' ELSE 'es-ES' END,
          'consent', json_object('categoryPreferences', json_object('analytics', json('true')))),
        CASE p % 3 WHEN 2 THEN 'desktop' ELSE 'mobile' END,
        CASE p % 3 WHEN 0 THEN 'android' WHEN 1 THEN 'ios' ELSE 'windows' END,
        CASE p % 3 WHEN 1 THEN 'safari' ELSE 'chrome' END,
        CASE p % 4 WHEN 0 THEN 'en-US' WHEN 1 THEN 'de-DE' WHEN 2 THEN 'fr-FR' ELSE 'es-ES' END
      FROM e`,
    args: [EVENTS, PROFILES, source.id, now, now, UA.android, UA.ios, UA.desktop],
  }),
);
// The generated history bypassed ingest: register its identities and move the watermark.
await client.batch(
  [
    {
      sql: `INSERT OR IGNORE INTO profile_links (source_id, anonymous_id, user_id, linked_at)
        SELECT source_id, anonymous_id, user_id, ? FROM events WHERE type = 'identify'`,
      args: [now],
    },
    {
      sql: "INSERT INTO engine_state VALUES ('segments:watermark', (SELECT max(seq) FROM events))",
      args: [],
    },
  ],
  'write',
);
console.log(
  `generated ${EVENTS.toLocaleString()} events for ${PROFILES.toLocaleString()} profiles in ${fmt(genMs)}`,
);

// Baseline: one plain SQL pass over the same events (distinct active days per visitor).
const [scanMs, scanCpu] = await cpuTime(() =>
  client.execute({
    sql: `SELECT count(*) FROM (SELECT anonymous_id, count(DISTINCT timestamp / ${DAY}) AS days
      FROM events WHERE source_id = ? GROUP BY anonymous_id HAVING days >= 3)`,
    args: [source.id],
  }),
);
const segmentCount = (await collector.deps.segments.ofSource(source.id)).length;
// The generated history has no facts summaries yet: built once (as after an upgrade), and
// again only when a rule change reads event props the summaries do not keep.
const [buildMs, buildCpu] = await cpuTime(() => engine.rebuildFacts(source.id));
const [coldMs, coldCpu, profiles] = await cpuTime(() => engine.recompute(source.id));
// BENCH_CPU_PROFILE=<file>: a .cpuprofile of the second recompute only.
const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const [warmMs, warmCpu] = await cpuTime(() => engine.recompute(source.id));
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(process.env.BENCH_CPU_PROFILE as string, JSON.stringify(profile));
  profiler.disconnect();
}
const sizes = await client.execute({
  sql: `SELECT s.key, count(m.id) FROM segments s LEFT JOIN segment_memberships m
    ON m.segment_id = s.id AND m.exited_at IS NULL WHERE s.source_id = ? GROUP BY s.key ORDER BY s.key`,
  args: [source.id],
});
console.log(`sizes: ${sizes.rows.map((r) => `${r[0]}=${r[1]}`).join(' ')}`);
console.log(
  `\nfull recompute, ${segmentCount} built-in segments, ${profiles.toLocaleString()} profiles (target ≤ 2 s)`,
);
console.log(`  baseline SQL scan (repeat visitors only): ${fmt(scanMs)}, cpu ${fmt(scanCpu)}`);
console.log(
  `  facts summaries built from events:          ${fmt(buildMs)}  (${(buildMs / scanMs).toFixed(1)}× baseline), cpu ${fmt(buildCpu)}`,
);
console.log(
  `  first recompute (writes all memberships):  ${fmt(coldMs)}  (${(coldMs / scanMs).toFixed(1)}× baseline), cpu ${fmt(coldCpu)}, ${loadAvg()}`,
);
console.log(
  `  recompute again (no flips):                ${fmt(warmMs)}  (${(warmMs / scanMs).toFixed(1)}× baseline), cpu ${fmt(warmCpu)}, ${loadAvg()}`,
);

// Latency: background ingest of page views for existing profiles, and probe events that
// make a fresh profile enter a segment; latency = membership entered_at − send time.
await collector.deps.segments.create(source.id, {
  key: 'bench-probe',
  name: 'Probe',
  rule: { type: 'performed', event: 'BenchProbe' },
});
engine.rulesChanged(source.id);
const basic = {
  Authorization: `Basic ${Buffer.from(`${source.writeKey}:`).toString('base64')}`,
  'Content-Type': 'application/json',
};
const postBatch = (batch: unknown[]) =>
  collector.app.request('/v1/batch', {
    method: 'POST',
    body: JSON.stringify({ batch }),
    headers: basic,
  });
let loading = true;
let background = 0;
const acks: number[] = [];
const loadStarted = performance.now();
let k = 0;
// Four senders of 50-event batches, each holding back until its share of LOAD_RATE is due.
const senders = Array.from({ length: 4 }, async () => {
  let sent = 0;
  while (loading) {
    const due = loadStarted + (sent / (LOAD_RATE / 4)) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch = Array.from({ length: 50 }, () => ({
      type: 'page',
      messageId: `load-${k++}`,
      anonymousId: `anon-${Math.floor(Math.random() * PROFILES)}`,
    }));
    const t = performance.now();
    await postBatch(batch);
    acks.push(performance.now() - t);
    sent += batch.length;
    background += batch.length;
  }
});
const load = Promise.all(senders);
const sent = new Map<string, number>();
const started = performance.now();
for (let i = 0; i < 200; i++) {
  const id = `probe-${i}`;
  sent.set(`a:${id}`, Date.now());
  void postBatch([{ type: 'track', event: 'BenchProbe', messageId: id, anonymousId: id }]);
  await new Promise((r) => setTimeout(r, 20));
}
const latencies: number[] = [];
for (
  const deadline = Date.now() + 30_000;
  latencies.length < sent.size && Date.now() < deadline;
) {
  await new Promise((r) => setTimeout(r, 200));
  const r = await client.execute(
    "SELECT m.profile_id, m.entered_at FROM segment_memberships m JOIN segments s ON s.id = m.segment_id WHERE s.key = 'bench-probe'",
  );
  latencies.length = 0;
  for (const row of r.rows) latencies.push(Number(row[1]) - (sent.get(String(row[0])) ?? 0));
}
loading = false;
await load;
const rate = background / ((performance.now() - started) / 1000);
console.log(
  `\nevent → membership under ingest load (${rate.toFixed(0)} background events/s of ${LOAD_RATE} asked, ${serverLike ? "server's threads" : 'in process'}; target p95 ≤ 1 s)`,
);
console.log(`  probes entered: ${latencies.length}/${sent.size}`);
console.log(
  `  baseline ingest ack (50-event batch): p50 ${fmt(pct(acks, 50))}, p95 ${fmt(pct(acks, 95))}`,
);
console.log(
  `  membership latency: p50 ${fmt(pct(latencies, 50))}, p95 ${fmt(pct(latencies, 95))}, max ${fmt(Math.max(...latencies))}  (p95 ${(pct(latencies, 95) / pct(acks, 95)).toFixed(1)}× ingest ack)`,
);

await collector.close();
if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
