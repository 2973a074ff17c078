import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../collector/db/client.js';

const dir = mkdtempSync(join(tmpdir(), 'segmently-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('migration 0008 keeps the first of the decisions stored twice before it, then refuses repeats', async () => {
  const url = `file:${join(dir, 'test.db')}`;
  const before = await openDatabase(url);
  // Back to the state before 0008: no unique index, the migration not recorded as applied.
  await before.client.executeMultiple(`
    DROP INDEX consent_source_id_given;
    DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations);`);
  const insert = `INSERT INTO consent_records (id, source_id, categories, decision_source, given_at,
    received_at, user_agent) VALUES (?, 'src', '{}', 'banner', ?, 0, ?)`;
  for (const [id, givenAt, label] of [
    ['c1', 1, 'first'],
    ['c1', 1, 'repeat'],
    ['c1', 2, 'next decision'],
    ['c2', 1, 'other visitor'],
  ] as const) {
    await before.client.execute({ sql: insert, args: [id, givenAt, label] });
  }
  before.close();

  const after = await openDatabase(url);
  try {
    const { rows } = await after.client.execute(
      'SELECT id, given_at, user_agent FROM consent_records ORDER BY seq',
    );
    expect(rows.map((r) => r.user_agent)).toEqual(['first', 'next decision', 'other visitor']);
    await expect(after.client.execute({ sql: insert, args: ['c1', 1, 'again'] })).rejects.toThrow(
      /UNIQUE/,
    );
  } finally {
    after.close();
  }
});
