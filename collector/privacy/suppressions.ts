import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { suppressions } from '../db/schema.js';

export const ALL_SOURCES = '*';

const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

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
