import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.js';

export type Db = LibSQLDatabase<typeof schema>;

export interface Database {
  client: Client;
  db: Db;
  close(): void;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/** Settings of each connection to a local file (WAL mode is the file's own, set once). */
export const CONNECTION_PRAGMAS = [
  'PRAGMA synchronous=NORMAL',
  'PRAGMA busy_timeout=5000',
  // 64 MiB of page cache (default 2 MiB): inserts touch pages all over four indexes.
  'PRAGMA cache_size=-65536',
];

/**
 * Opens the database. A local file gets one connection (libsql otherwise opens up to 20
 * and a PRAGMA would land on only one of them) in WAL mode with synchronous=NORMAL.
 */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const isFile = url.startsWith('file:');
  if (isFile) {
    const path = url.slice('file:'.length);
    if (path !== ':memory:' && !path.startsWith(':')) mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({ url, authToken, concurrency: isFile ? 1 : undefined });
  if (isFile) {
    await client.execute('PRAGMA journal_mode=WAL');
    for (const pragma of CONNECTION_PRAGMAS) await client.execute(pragma);
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return { client, db, close: () => client.close() };
}
