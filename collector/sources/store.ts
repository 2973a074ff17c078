import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';
import { createRecentCache } from '../recent-cache.js';

export type Source = typeof sources.$inferSelect;

export interface NewSource {
  name: string;
  allowedOrigins?: string[];
  retentionDays?: number;
  requireConsent?: boolean;
}

export function newWriteKey(): string {
  return `wk_${randomBytes(18).toString('base64url')}`;
}

/** Unknown write keys are answered from memory this long: a flood of them costs no queries. */
const UNKNOWN_KEY_MS = 10_000;

/** Sources by write key, cached in memory: every ingest request needs one. */
export function createSourceStore(db: Db) {
  const byKey = new Map<string, Source>();
  /** Unknown write key → until when it is known to be unknown. */
  const unknown = createRecentCache<number>(10_000);
  let origins: Promise<string[]> | undefined;
  /**
   * Counts changes to sources. A lookup that a change overtook (a remote database answers
   * each request on its own stream) may have read a rotated key: it caches nothing.
   */
  let changes = 0;

  /** Forgets what a change to source `id` (or a new source) may have made wrong. */
  function changed(id?: string) {
    changes++;
    if (id) for (const [key, s] of byKey) if (s.id === id) byKey.delete(key);
    origins = undefined;
    unknown.clear();
  }

  async function create(input: NewSource): Promise<Source> {
    const [row] = await db
      .insert(sources)
      .values({ id: randomUUID(), writeKey: newWriteKey(), ...input })
      .returning();
    changed();
    return row as Source;
  }

  async function byWriteKey(writeKey: string): Promise<Source | undefined> {
    const cached = byKey.get(writeKey);
    if (cached) return cached;
    if ((unknown.get(writeKey) ?? 0) > Date.now()) return undefined;
    const changesBefore = changes;
    const row = await db.query.sources.findFirst({ where: eq(sources.writeKey, writeKey) });
    if (changes !== changesBefore) return row;
    if (row) byKey.set(writeKey, row);
    else unknown.set(writeKey, Date.now() + UNKNOWN_KEY_MS);
    return row;
  }

  const byId = (id: string) => db.query.sources.findFirst({ where: eq(sources.id, id) });

  async function update(id: string, patch: Partial<NewSource> & { writeKey?: string }) {
    // A PATCH of {}: drizzle refuses an UPDATE without values.
    if (Object.keys(patch).length === 0) return byId(id);
    const [row] = await db.update(sources).set(patch).where(eq(sources.id, id)).returning();
    changed(id);
    return row;
  }

  return {
    create,
    byWriteKey,
    update,
    byId,
    byName: (name: string) => db.query.sources.findFirst({ where: eq(sources.name, name) }),
    /** Every origin some source allows: what a CORS preflight (which has no write key) may pass. */
    allowedOrigins: () =>
      (origins ??= db
        .select({ allowed: sources.allowedOrigins })
        .from(sources)
        .then((rows) => [...new Set(rows.flatMap((r) => r.allowed))])),
    list: () => db.select().from(sources).orderBy(sources.createdAt),
  };
}

export type SourceStore = ReturnType<typeof createSourceStore>;
