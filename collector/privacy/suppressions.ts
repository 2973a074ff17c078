import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { suppressions } from '../db/schema.js';

export const ALL_SOURCES = '*';

const HASH_CACHE_SIZE = 10_000;
const hashes = new Map<string, string>();

/**
 * SHA-256 of an id, remembered for the ids seen last: once anything is suppressed, every
 * event's ids are hashed (~1 µs each) and a visitor sends many events.
 */
function hashOf(id: string): string {
  let hash = hashes.get(id);
  if (hash === undefined) {
    hash = createHash('sha256').update(id).digest('base64url');
    if (hashes.size >= HASH_CACHE_SIZE) hashes.delete(hashes.keys().next().value as string);
    hashes.set(id, hash);
  }
  return hash;
}

/**
 * Ids whose data was erased: later events carrying them are dropped. Only a SHA-256 of
 * the id is stored, and the whole list is held in memory for the ingest path.
 */
export async function loadSuppressions(db: Db) {
  const keys = new Set(
    (await db.select().from(suppressions)).map((r) => `${r.sourceId}|${r.idHash}`),
  );

  return {
    has(sourceId: string, id: string): boolean {
      if (keys.size === 0) return false;
      const hash = hashOf(id);
      return keys.has(`${ALL_SOURCES}|${hash}`) || keys.has(`${sourceId}|${hash}`);
    },
    async add(ids: readonly string[], sourceId: string = ALL_SOURCES, at: number): Promise<void> {
      if (ids.length === 0) return;
      const rows = ids.map((id) => ({ idHash: hashOf(id), sourceId, createdAt: at }));
      await db.insert(suppressions).values(rows).onConflictDoNothing();
      for (const r of rows) keys.add(`${r.sourceId}|${r.idHash}`);
    },
  };
}

export type Suppressions = Awaited<ReturnType<typeof loadSuppressions>>;
