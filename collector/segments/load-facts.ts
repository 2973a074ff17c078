import type { Client } from '@libsql/client';
import type { EventMatch, Rule } from '../../shared/segment-rules.js';
import { contextFacts } from './context-facts.js';
import { type FactEvent, factName, type ProfileFacts } from './facts.js';
import { type IdentityMap, profileOf } from './identity.js';

const US = '\x1f';
const RS = '\x1e';

/** Event names whose properties some rule reads; `true` when a `*` match has filters. */
export type PropsNeeded = Set<string> | true;

function matchesOf(rule: Rule): EventMatch[] {
  switch (rule.type) {
    case 'all':
    case 'any':
      return rule.rules.flatMap(matchesOf);
    case 'not':
      return matchesOf(rule.rule);
    case 'performed':
      return [rule];
    case 'notPerformed':
      return rule.after ? [rule, rule.after] : [rule];
    case 'funnel':
      return rule.steps;
    default:
      return [];
  }
}

export function propsNeeded(rules: Rule[]): PropsNeeded {
  const names = new Set<string>();
  for (const m of rules.flatMap(matchesOf)) {
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
function packedSelect(needed: PropsNeeded, where: string): string {
  const props =
    needed === true
      ? 'properties'
      : needed.size === 0
        ? 'NULL'
        : `CASE WHEN event IN (${[...needed].map((n) => `'${n.replaceAll("'", "''")}'`).join(',')}) THEN properties END`;
  return `SELECT group_concat(seq || x'1f' || coalesce(user_id, '') || x'1f' || coalesce(anonymous_id, '')
    || x'1f' || type || x'1f' || coalesce(event, '') || x'1f' || timestamp || x'1f'
    || coalesce(${props}, '') || x'1f' || coalesce(CASE WHEN type = 'identify' THEN traits END, ''), x'1e'),
    count(*), max(seq) FROM (SELECT * FROM events WHERE ${where})`;
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
  constructor(
    readonly identities: IdentityMap,
    private readonly keep: (profileId: string) => boolean = () => true,
  ) {}

  addPacked(packed: string | null) {
    if (!packed) return;
    for (const record of packed.split(RS)) {
      const [seq, userId, anonymousId, type, event, ts, props, traits] = record.split(
        US,
      ) as string[];
      const profileId = profileOf(userId || null, anonymousId || null, this.identities.userOf);
      if (!profileId || !this.keep(profileId)) continue;
      let p = this.profiles.get(profileId);
      if (!p) {
        p = { events: [], traits: [], latestSeq: 0, latestTs: Number.NEGATIVE_INFINITY };
        this.profiles.set(profileId, p);
      }
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
        sql: `SELECT group_concat(seq || x'1f' || coalesce(context, ''), x'1e') FROM events
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

/** Scans a source's events in seq chunks, yielding to the event loop between chunks. */
export async function collectAllFacts(
  client: Client,
  sourceId: string,
  collector: FactsCollector,
  needed: PropsNeeded,
): Promise<void> {
  const sql = packedSelect(needed, `source_id = ? AND seq > ? ORDER BY seq LIMIT ${CHUNK}`);
  let after = 0;
  for (;;) {
    const r = await client.execute({ sql, args: [sourceId, after] });
    const row = r.rows[0];
    const count = Number(row?.[1] ?? 0);
    const packed = row?.[0];
    const maxSeq = row?.[2];
    if (!count) return;
    collector.addPacked(packed as string | null);
    after = Number(maxSeq);
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
    `source_id = ? AND (user_id IN (SELECT value FROM json_each(?))
      OR (user_id IS NULL AND anonymous_id IN (SELECT value FROM json_each(?))))`,
  );
  const r = await client.execute({
    sql,
    args: [sourceId, JSON.stringify(users), JSON.stringify(anons)],
  });
  collector.addPacked((r.rows[0]?.[0] as string | null) ?? null);
}
