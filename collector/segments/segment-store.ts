import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { SegmentDefinition } from '../../shared/segment-rules.js';
import type { Db } from '../db/client.js';
import { engineState, segments, webhookDeliveries } from '../db/schema.js';
import { parseDuration } from './duration.js';
import type { CompiledSegment } from './membership.js';
import { BUILT_IN_SEGMENTS } from './templates.js';
import { CANCELLED_BECAUSE } from './webhooks.js';

export type SegmentRow = typeof segments.$inferSelect;

export interface SegmentInput extends SegmentDefinition {
  webhookUrl?: string | null;
}

export interface CompiledRow extends CompiledSegment {
  id: string;
  webhookUrl: string | null;
  webhookSecret: string | null;
}

export function compile(row: SegmentRow): CompiledRow {
  return {
    id: row.id,
    key: row.key,
    rule: row.rule,
    reentryAfterMs: row.reentryAfter ? parseDuration(row.reentryAfter) : undefined,
    webhookUrl: row.webhookUrl,
    webhookSecret: row.webhookSecret,
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** Segment definitions (marketer-edited and built-in) per source. */
export function createSegmentStore(db: Db, now: () => number) {
  async function create(sourceId: string, input: SegmentInput, template?: string) {
    const at = now();
    const [row] = await db
      .insert(segments)
      .values({
        id: randomUUID(),
        sourceId,
        key: input.key,
        name: input.name,
        description: input.description,
        rule: input.rule,
        reentryAfter: input.reentryAfter,
        utm: input.utm,
        webhookUrl: input.webhookUrl ?? null,
        webhookSecret: input.webhookUrl ? newSecret() : null,
        template,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    return row as SegmentRow;
  }

  const byId = (id: string) => db.query.segments.findFirst({ where: eq(segments.id, id) });

  /**
   * A changed or removed webhook URL cancels, in the same transaction, the deliveries still
   * pending for the old one: they were meant for it, and the log says why they never went.
   */
  async function update(id: string, patch: Partial<SegmentRow>) {
    const set: Partial<SegmentRow> = { ...patch, updatedAt: now() };
    const current = patch.webhookUrl === undefined ? undefined : await byId(id);
    if (patch.webhookUrl && !current?.webhookSecret) set.webhookSecret = newSecret();
    const save = db.update(segments).set(set).where(eq(segments.id, id)).returning();
    if (!current?.webhookUrl || current.webhookUrl === patch.webhookUrl) return (await save)[0];
    const cancel = db
      .update(webhookDeliveries)
      .set({
        status: 'cancelled',
        lastError: patch.webhookUrl ? CANCELLED_BECAUSE.changed : CANCELLED_BECAUSE.removed,
        nextAttemptAt: null,
      })
      .where(and(eq(webhookDeliveries.segmentId, id), eq(webhookDeliveries.status, 'pending')));
    const [saved] = await db.batch([save, cancel]);
    return saved[0];
  }

  /** Creates the built-ins once per source; later edits and deletions are the marketer's. */
  async function ensureBuiltIns(sourceId: string): Promise<number> {
    const marker = `builtins:${sourceId}`;
    const seeded = await db.query.engineState.findFirst({ where: eq(engineState.name, marker) });
    if (seeded) return 0;
    let created = 0;
    for (const def of BUILT_IN_SEGMENTS) {
      const exists = await byKey(sourceId, def.key);
      if (exists) continue;
      await create(sourceId, def, def.key);
      created++;
    }
    await db.insert(engineState).values({ name: marker, value: now() }).onConflictDoNothing();
    return created;
  }

  const byKey = (sourceId: string, key: string) =>
    db.query.segments.findFirst({
      where: and(eq(segments.sourceId, sourceId), eq(segments.key, key)),
    });

  return {
    create,
    update,
    ensureBuiltIns,
    byKey,
    byId,
    /** All sources' segments with this key (the API resolves a key without a source id). */
    withKey: (key: string) => db.select().from(segments).where(eq(segments.key, key)),
    ofSource: (sourceId: string) =>
      db.select().from(segments).where(eq(segments.sourceId, sourceId)).orderBy(segments.createdAt),
    list: () => db.select().from(segments).orderBy(segments.sourceId, segments.createdAt),
    remove: (id: string) => db.delete(segments).where(eq(segments.id, id)),
  };
}

export type SegmentStore = ReturnType<typeof createSegmentStore>;
