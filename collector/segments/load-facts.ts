import type { Client } from '@libsql/client';
import type { Rule } from '../../shared/segment-rules.js';
import { CONTEXT_FACTS_SQL, contextFacts } from './context-facts.js';
import { type FactEvent, factName, type ProfileFacts } from './facts.js';
import { type IdentityMap, profileOf } from './identity.js';
import { eventMatchesOf } from './rule-leaves.js';

const US = '\x1f';
const RS = '\x1e';

/** Event names whose properties some rule reads; `true` when a `*` match has filters. */
export type PropsNeeded = Set<string> | true;

export function propsNeeded(rules: Rule[]): PropsNeeded {
  const names = new Set<string>();
  for (const m of rules.flatMap(eventMatchesOf)) {
    if (!m.where?.length) continue;
    for (const name of typeof m.event === 'string' ? [m.event] : m.event) {
      if (name === '*') return true;
      names.add(name);
    }
  }
  return names;
}

/**
 * Events leave SQLite packed into one string per chunk (fields split by \x1f, events by
 * \x1e): reading rows one by one through the driver costs ~5 µs each, a packed string
 * almost nothing. JSON text never holds raw control characters, so the split is safe.
 */
function packedSelect(needed: PropsNeeded, from: string): string {
  const props =
    needed === true
      ? 'properties'
      : needed.size === 0
        ? 'NULL'
        : `CASE WHEN event IN (${[...needed].map((n) => `'${n.replaceAll("'", "''")}'`).join(',')}) THEN properties END`;
  // concat() turns NULL into '' and is one call instead of a chain of || and coalesce.
  return `SELECT group_concat(concat(seq, x'1f', user_id, x'1f', anonymous_id, x'1f', type, x'1f',
    event, x'1f', timestamp, x'1f', ${props}, x'1f', CASE WHEN type = 'identify' THEN traits END),
    x'1e'), count(*) FROM (${from})`;
}

interface Building {
  events: FactEvent[];
  traits: { ts: number; traits: string }[];
  latestSeq: number;
  latestTs: number;
}

/** Accumulates packed event chunks into per-profile facts. */
export class FactsCollector {
  readonly profiles = new Map<string, Building>();
  /** Per raw id, so the hot loop does no string building: anonymous ids, then user ids. */
  private readonly byAnon = new Map<string, Building>();
  private readonly byUser = new Map<string, Building>();
  constructor(readonly identities: IdentityMap) {}

  private building(userId: string, anonymousId: string): Building | undefined {
    const cache = userId ? this.byUser : this.byAnon;
    const id = userId || anonymousId;
    const found = cache.get(id);
    if (found) return found;
    const profileId = profileOf(userId || null, anonymousId || null, this.identities.userOf);
    if (!profileId) return undefined;
    let p = this.profiles.get(profileId);
    if (!p) {
      p = { events: [], traits: [], latestSeq: 0, latestTs: Number.NEGATIVE_INFINITY };
      this.profiles.set(profileId, p);
    }
    cache.set(id, p);
    return p;
  }

  addPacked(packed: string | null) {
    if (!packed) return;
    for (const record of packed.split(RS)) {
      const [seq, userId, anonymousId, type, event, ts, props, traits] = record.split(
        US,
      ) as string[];
      const p = this.building(userId as string, anonymousId as string);
      if (!p) continue;
      const time = Number(ts);
      const s = Number(seq);
      p.events.push({
        name: factName(type as string, event || null),
        ts: time,
        props: props ? JSON.parse(props as string) : null,
      });
      if (traits) p.traits.push({ ts: time, traits: traits as string });
      if (time > p.latestTs || (time === p.latestTs && s > p.latestSeq)) {
        p.latestTs = time;
        p.latestSeq = s;
      }
    }
  }

  /** Finishes facts: events by time, traits merged oldest first, context of the latest event. */
  async finish(client: Client): Promise<Map<string, ProfileFacts>> {
    const seqs = [...this.profiles.values()].map((p) => p.latestSeq);
    const contexts = new Map<number, unknown>();
    for (let i = 0; i < seqs.length; i += 5000) {
      const r = await client.execute({
        sql: `SELECT group_concat(seq || x'1f' || ${CONTEXT_FACTS_SQL}, x'1e') FROM events
          WHERE seq IN (SELECT value FROM json_each(?))`,
        args: [JSON.stringify(seqs.slice(i, i + 5000))],
      });
      const packed = r.rows[0]?.[0];
      if (typeof packed !== 'string') continue;
      for (const record of packed.split(RS)) {
        const cut = record.indexOf(US);
        const json = record.slice(cut + 1);
        if (json) contexts.set(Number(record.slice(0, cut)), JSON.parse(json));
      }
    }
    const out = new Map<string, ProfileFacts>();
    for (const [id, p] of this.profiles) {
      p.events.sort((a, b) => a.ts - b.ts);
      p.traits.sort((a, b) => a.ts - b.ts);
      const traits: Record<string, unknown> = {};
      for (const t of p.traits) Object.assign(traits, JSON.parse(t.traits));
      out.set(id, { events: p.events, traits, context: contextFacts(contexts.get(p.latestSeq)) });
    }
    return out;
  }
}

const CHUNK = 20_000;

/** Scans a source's events in seq ranges, yielding to the event loop between chunks. */
export async function collectAllFacts(
  client: Client,
  sourceId: string,
  collector: FactsCollector,
  needed: PropsNeeded,
): Promise<void> {
  // `+source_id`: walk the primary key range; a source_id index would be slower here.
  const sql = packedSelect(
    needed,
    `SELECT * FROM events WHERE +source_id = ? AND seq > ? AND seq <= ? + ${CHUNK}`,
  );
  const last = await client.execute('SELECT max(seq) FROM events');
  const maxSeq = Number(last.rows[0]?.[0] ?? 0);
  for (let after = 0; after < maxSeq; after += CHUNK) {
    const r = await client.execute({ sql, args: [sourceId, after, after] });
    collector.addPacked((r.rows[0]?.[0] as string | null) ?? null);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Events of the given profiles (`u:<userId>` includes its linked anonymous ids). */
export async function collectProfileFacts(
  client: Client,
  sourceId: string,
  profileIds: string[],
  collector: FactsCollector,
  needed: PropsNeeded,
): Promise<void> {
  const users = profileIds.filter((p) => p.startsWith('u:')).map((p) => p.slice(2));
  const anons = profileIds.filter((p) => p.startsWith('a:')).map((p) => p.slice(2));
  for (const user of users) anons.push(...collector.identities.anonymousIdsOf(user));
  const sql = packedSelect(
    needed,
    // Two index searches: an OR across the two columns would scan the whole source, and
    // `+user_id` keeps "user_id IS NULL" from picking the user index (all anonymous events).
    `SELECT * FROM events WHERE source_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))
     UNION ALL SELECT * FROM events WHERE source_id = ?1 AND +user_id IS NULL
       AND anonymous_id IN (SELECT value FROM json_each(?3))`,
  );
  const r = await client.execute({
    sql,
    args: [sourceId, JSON.stringify(users), JSON.stringify(anons)],
  });
  collector.addPacked((r.rows[0]?.[0] as string | null) ?? null);
}
