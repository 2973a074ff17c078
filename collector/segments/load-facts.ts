import type { Client } from '@libsql/client';
import { CONTEXT_FACTS_SQL, contextFactsOf } from './context-facts.js';
import { FACT_NAME_SQL, SEGMENTABLE_SQL } from './facts.js';
import { type IdentityMap, profileOf } from './identity.js';
import {
  addEvent,
  type Coverage,
  emptySummary,
  type Summary,
  SummaryEvent,
  US,
} from './profile-facts.js';

/** Fields per packed event record, see packedSelect. */
const FIELDS = 8;

const sqlList = (names: Iterable<string>) =>
  [...names].map((n) => `'${n.replaceAll("'", "''")}'`).join(',');

/** The properties a summary keeps of an events row, as SQL. */
export function propsSql(coverage: Coverage): string {
  if (coverage.props === true) return 'properties';
  if (coverage.props.size === 0) return 'NULL';
  return `CASE WHEN ${FACT_NAME_SQL} IN (${sqlList(coverage.props)}) THEN properties END`;
}

/**
 * Events leave SQLite packed into one string per chunk, every field of every event ended
 * by \x1f (see profile-facts.ts): one split of the whole chunk allocates far less than
 * reading rows or splitting per event.
 */
function packedSelect(coverage: Coverage, from: string): string {
  const traits = coverage.traits ? "CASE WHEN type = 'identify' THEN traits END" : 'NULL';
  // concat() turns NULL into '' and is one call instead of a chain of || and coalesce.
  return `SELECT group_concat(concat(seq, x'1f', user_id, x'1f', anonymous_id, x'1f',
    ${FACT_NAME_SQL}, x'1f', timestamp, x'1f', ${propsSql(coverage)}, x'1f', ${traits}, x'1f',
    ${CONTEXT_FACTS_SQL}, x'1f'), ''),
    count(*) FROM (${from})`;
}

/** Accumulates packed event chunks into per-profile summaries (a rebuild from events). */
export class FactsCollector {
  readonly profiles = new Map<string, Summary>();
  /** Per raw id, so the hot loop does no string building: anonymous ids, then user ids. */
  private readonly byAnon = new Map<string, Summary>();
  private readonly byUser = new Map<string, Summary>();
  constructor(
    readonly identities: IdentityMap,
    readonly coverage: Coverage,
  ) {}

  private summary(userId: string, anonymousId: string): Summary | undefined {
    const cache = userId ? this.byUser : this.byAnon;
    const id = userId || anonymousId;
    const found = cache.get(id);
    if (found) return found;
    const profileId = profileOf(userId || null, anonymousId || null, this.identities.userOf);
    if (!profileId) return undefined;
    let p = this.profiles.get(profileId);
    if (!p) {
      p = emptySummary();
      this.profiles.set(profileId, p);
    }
    cache.set(id, p);
    return p;
  }

  addPacked(packed: string | null) {
    if (!packed) return;
    const f = packed.split(US);
    for (let i = 0; i + FIELDS <= f.length; i += FIELDS) {
      const p = this.summary(f[i + 1] as string, f[i + 2] as string);
      if (!p) continue;
      const event = new SummaryEvent(
        f[i + 3] as string,
        Number(f[i + 4]),
        f[i + 5] as string,
        f[i + 6] as string,
      );
      addEvent(p, event, Number(f[i]), contextFactsOf(f[i + 7] as string));
    }
  }
}

const CHUNK = 20_000;

/** Scans a source's events up to `maxSeq` in seq ranges, yielding between chunks. */
export async function collectAllFacts(
  client: Client,
  sourceId: string,
  collector: FactsCollector,
  maxSeq: number,
): Promise<void> {
  // `+source_id`: walk the primary key range; a source_id index would be slower here.
  const sql = packedSelect(
    collector.coverage,
    `SELECT * FROM events WHERE +source_id = ? AND seq > ? AND seq <= min(? + ${CHUNK}, ?)
       AND ${SEGMENTABLE_SQL}`,
  );
  for (let after = 0; after < maxSeq; after += CHUNK) {
    const r = await client.execute({ sql, args: [sourceId, after, after, maxSeq] });
    collector.addPacked((r.rows[0]?.[0] as string | null) ?? null);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Events up to `maxSeq` of the given profiles (`u:<userId>` includes its linked anonymous
 * ids); with `everyEvent` also those that may not feed segments (the profile lookup).
 */
export async function collectProfileFacts(
  client: Client,
  sourceId: string,
  profileIds: string[],
  collector: FactsCollector,
  { maxSeq = Number.MAX_SAFE_INTEGER, everyEvent = false } = {},
): Promise<void> {
  const users = profileIds.filter((p) => p.startsWith('u:')).map((p) => p.slice(2));
  const anons = profileIds.filter((p) => p.startsWith('a:')).map((p) => p.slice(2));
  for (const user of users) anons.push(...collector.identities.anonymousIdsOf(user));
  const only = everyEvent ? '' : `AND ${SEGMENTABLE_SQL}`;
  const sql = packedSelect(
    collector.coverage,
    // Two index searches: an OR across the two columns would scan the whole source.
    `SELECT * FROM events WHERE source_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))
       AND seq <= ?4 ${only}
     UNION ALL SELECT * FROM events WHERE source_id = ?1 AND user_id IS NULL
       AND anonymous_id IN (SELECT value FROM json_each(?3)) AND seq <= ?4 ${only}`,
  );
  const r = await client.execute({
    sql,
    args: [sourceId, JSON.stringify(users), JSON.stringify(anons), maxSeq],
  });
  collector.addPacked((r.rows[0]?.[0] as string | null) ?? null);
}
