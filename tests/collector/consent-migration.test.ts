import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../collector/db/client.js';

const dir = mkdtempSync(join(tmpdir(), 'segmently-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('migration 0008 keeps the first of the decisions stored twice before it, then refuses repeats', async () => {
  const url = `file:${join(dir, 'test.db')}`;
  // The database as it was before 0008: the migrations up to 0007 only.
  const upTo0007 = join(dir, 'migrations');
  cpSync(fileURLToPath(new URL('../../collector/db/migrations', import.meta.url)), upTo0007, {
    recursive: true,
  });
  const journalFile = join(upTo0007, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < 8);
  writeFileSync(journalFile, JSON.stringify(journal));
  const before = createClient({ url });
  await migrate(drizzle(before), { migrationsFolder: upTo0007 });
  const insert = `INSERT INTO consent_records (id, source_id, categories, decision_source, given_at,
    received_at, user_agent) VALUES (?, 'src', '{}', 'banner', ?, 0, ?)`;
  for (const [id, givenAt, label] of [
    ['c1', 1, 'first'],
    ['c1', 1, 'repeat'],
    ['c1', 2, 'next decision'],
    ['c2', 1, 'other visitor'],
  ] as const) {
    await before.execute({ sql: insert, args: [id, givenAt, label] });
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
