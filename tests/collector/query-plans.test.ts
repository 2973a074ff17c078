import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../collector/db/client.js';

// The shapes of the product's lookups of events by profile and by time. SQLite picks their
// index from the planner stats of migration 0009 (not from the data): without them, a
// visitor's lookup walks the source's whole timestamp range.
let database: Database;
const dir = mkdtempSync(join(tmpdir(), 'segmently-plans-'));
beforeAll(async () => {
  database = await openDatabase(`file:${join(dir, 'plans.db')}`);
});
afterAll(() => {
  database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function plan(sql: string) {
  const { rows } = await database.client.execute(`EXPLAIN QUERY PLAN ${sql}`);
  return rows.map((r) => String(r.detail)).join(' | ');
}

const IDS = 'SELECT value FROM json_each(?)';

it.each([
  [
    "a visitor's latest event",
    'SELECT * FROM events WHERE source_id = ? AND anonymous_id = ? ORDER BY timestamp DESC, seq DESC LIMIT 1',
    /USING INDEX events_anonymous \(anonymous_id=\?\)/,
  ],
  [
    "a visitor's events, newest first",
    'SELECT * FROM events WHERE source_id = ? AND anonymous_id = ? ORDER BY seq DESC LIMIT 50',
    /USING INDEX events_anonymous \(anonymous_id=\?\)/,
  ],
  [
    "users' events",
    `SELECT * FROM events WHERE source_id = ? AND user_id IN (${IDS}) AND seq <= ?`,
    /USING INDEX events_user \(user_id=\?/,
  ],
  [
    'anonymous events of visitors',
    `SELECT * FROM events WHERE source_id = ? AND user_id IS NULL AND anonymous_id IN (${IDS})`,
    /USING INDEX events_anonymous \(anonymous_id=\?\)/,
  ],
  [
    'a profile across both ids',
    'SELECT * FROM events WHERE (anonymous_id IN (?, ?) OR user_id IN (?)) AND source_id = ? ORDER BY timestamp DESC LIMIT 50',
    /MULTI-INDEX OR .*events_anonymous .*events_user/,
  ],
  [
    'the events naming retired ids (alias)',
    `SELECT * FROM events WHERE source_id IN (SELECT id FROM sources) AND previous_id IN (${IDS})`,
    /USING INDEX events_previous \(previous_id=\?\)/,
  ],
  [
    "a source's events aged out",
    'SELECT seq FROM events WHERE source_id = ? AND timestamp < ? LIMIT 500',
    /events_source_timestamp \(source_id=\? AND timestamp<\?\)/,
  ],
  [
    "a report's purchases over a range",
    "SELECT count(*) FROM events WHERE timestamp >= ? AND timestamp < ? AND source_id = ? AND type = 'track' AND event = 'Purchase'",
    /events_source_timestamp \(source_id=\? AND timestamp>\? AND timestamp<\?\)/,
  ],
])('%s: searched by the right index', async (_, sql, expected) => {
  const found = await plan(sql);
  expect(found).toMatch(expected);
  expect(found).not.toMatch(/SCAN events/);
});
