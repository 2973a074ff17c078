import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '../../collector/env.js';
import type { ConsentRow, EventRow } from '../../collector/ingest/writer.js';
import { type Logger, silentLogger } from '../../collector/log.js';
import { buildCollector } from '../../collector/start.js';

/** A stored-event row as the writer takes it: a track of anonymous visitor `a`. */
export function eventRow(sourceId: string, messageId: string, properties = '{}'): EventRow {
  const row: (string | number | null)[] = Array(18).fill(null);
  row.splice(0, 5, sourceId, messageId, 'track', 'E', 'a');
  row.splice(8, 3, 1, 1, properties);
  return row as EventRow;
}

/** A consent record as the writer takes it: anonymous visitor `a` accepted only `necessary`. */
export const consentRow = (sourceId: string, id: string): ConsentRow => [
  id,
  sourceId,
  'a',
  null,
  '{"necessary":true}',
  1,
  'api',
  null,
  null,
  0,
  null,
  null,
  1,
  null,
  2,
];

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A real collector on a real libsql file in a fresh temp dir. */
export async function testCollector(
  options: {
    now?: () => number;
    env?: Record<string, string>;
    segmentSweepMs?: number;
    engineThread?: boolean;
    writeThread?: boolean;
    /** Opens the database left in this folder (a restart); the caller removes the folder. */
    dir?: string;
    log?: Logger;
  } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'segmently-test-'));
  const env = parseEnv({
    NODE_ENV: 'test',
    DATABASE_URL: `file:${join(dir, 'test.db')}`,
    SEGMENTLY_ADMIN_TOKEN: ADMIN_TOKEN,
    ...options.env,
  });
  const collector = await buildCollector({
    env,
    log: options.log ?? silentLogger,
    now: options.now,
    segmentSweepMs: options.segmentSweepMs,
    engineThread: options.engineThread,
    writeThread: options.writeThread,
  });
  const source = await collector.deps.sources.create({
    name: 'Test',
    allowedOrigins: ['https://shop.example'],
  });

  const admin = (path: string, init: RequestInit = {}) =>
    collector.app.request(path, {
      ...init,
      headers: {
        Authorization: `Bearer ${ADMIN_TOKEN}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    collector.app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  const basic = (writeKey = source.writeKey) => ({
    Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
  });
  const rows = async (sql = 'SELECT * FROM events ORDER BY seq') =>
    (await collector.deps.database.client.execute(sql)).rows;

  return {
    ...collector,
    dir,
    source,
    admin,
    post,
    basic,
    rows,
    async close() {
      await collector.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestCollector = Awaited<ReturnType<typeof testCollector>>;

let counter = 0;
export function trackEvent(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    type: 'track',
    event: 'AddToCart',
    messageId: `msg-${Date.now()}-${counter}`,
    anonymousId: 'anon-1',
    properties: { cart_id: 'c1', value: 10 },
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}
