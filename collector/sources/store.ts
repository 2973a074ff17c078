import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sources } from '../db/schema.js';

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

/** Sources by write key, cached in memory: every ingest request needs one. */
export function createSourceStore(db: Db) {
  const byKey = new Map<string, Source>();
  let origins: Promise<string[]> | undefined;

  async function create(input: NewSource): Promise<Source> {
    const [row] = await db
      .insert(sources)
      .values({ id: randomUUID(), writeKey: newWriteKey(), ...input })
      .returning();
    origins = undefined;
    return row as Source;
  }

  async function byWriteKey(writeKey: string): Promise<Source | undefined> {
    const cached = byKey.get(writeKey);
    if (cached) return cached;
    const row = await db.query.sources.findFirst({ where: eq(sources.writeKey, writeKey) });
    if (row) byKey.set(writeKey, row);
    return row;
  }

  async function update(id: string, patch: Partial<NewSource> & { writeKey?: string }) {
    const [row] = await db.update(sources).set(patch).where(eq(sources.id, id)).returning();
    for (const [key, s] of byKey) if (s.id === id) byKey.delete(key);
    origins = undefined;
    return row;
  }

  return {
    create,
    byWriteKey,
    update,
    byId: (id: string) => db.query.sources.findFirst({ where: eq(sources.id, id) }),
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
