import type { Client } from '@libsql/client';
import type { CategoryPreferences } from '../../shared/consent.js';
import { anonymousIdsOf } from './identity.js';

interface Known {
  at: number;
  seq: number;
  marketing: boolean;
}

const later = (a: Known, b: Known | undefined) =>
  !b || a.at > b.at || (a.at === b.at && a.seq > b.seq);

const IN_JSON = 'IN (SELECT value FROM json_each(?))';

/**
 * Whether each profile's latest known consent grants marketing. The consent log decides when
 * it knows the profile: its records by user or anonymous id, and those of the record ids the
 * profile's events carried (`context.consent.id`) that name neither id: the SDK keeps one
 * record id per browser and sends a decision without the anonymous id once analytics is
 * refused, so a "reject all" is found only that way. The latest record counts; an expired one grants nothing. Without any
 * record, the consent the profile's latest event carried (as its facts summary knows it).
 * Profiles with neither are absent.
 */
export async function marketingConsentOf(
  client: Client,
  sourceId: string,
  profileIds: string[],
  now: number,
): Promise<Map<string, boolean>> {
  const users = profileIds.filter((p) => p.startsWith('u:')).map((p) => p.slice(2));
  const userSet = new Set(users);
  const profileOfAnon = await anonymousIdsOf(client, sourceId, profileIds);
  const anons = JSON.stringify([...profileOfAnon.keys()]);
  const profileOf = (userId: unknown, anonymousId: unknown) =>
    userId !== null && userSet.has(String(userId))
      ? `u:${userId}`
      : anonymousId === null
        ? undefined
        : profileOfAnon.get(String(anonymousId));

  // Record ids the profiles' events carried (events_anonymous and events_user indexes).
  const carried = await client.execute({
    sql: `SELECT DISTINCT user_id, anonymous_id, context->>'$.consent.id' AS record FROM events
      WHERE source_id = ? AND anonymous_id ${IN_JSON} AND record IS NOT NULL
      UNION SELECT DISTINCT user_id, anonymous_id, context->>'$.consent.id' AS record FROM events
      WHERE source_id = ? AND user_id ${IN_JSON} AND record IS NOT NULL`,
    args: [sourceId, anons, sourceId, JSON.stringify(users)],
  });
  const profilesOfRecord = new Map<string, Set<string>>();
  for (const row of carried.rows) {
    const profile = profileOf(row.user_id, row.anonymous_id);
    const record = String(row.record);
    if (profile)
      profilesOfRecord.set(record, (profilesOfRecord.get(record) ?? new Set()).add(profile));
  }

  const records = await client.execute({
    sql: `SELECT id, user_id, anonymous_id, categories, given_at, seq, expires_at FROM consent_records
      WHERE source_id = ? AND user_id ${IN_JSON}
      UNION SELECT id, user_id, anonymous_id, categories, given_at, seq, expires_at FROM consent_records
      WHERE source_id = ? AND anonymous_id ${IN_JSON}
      UNION SELECT id, user_id, anonymous_id, categories, given_at, seq, expires_at FROM consent_records
      WHERE source_id = ? AND id ${IN_JSON}`,
    args: [
      sourceId,
      JSON.stringify(users),
      sourceId,
      anons,
      sourceId,
      JSON.stringify([...profilesOfRecord.keys()]),
    ],
  });
  const latest = new Map<string, Known>();
  for (const row of records.rows) {
    const expired = row.expires_at !== null && Number(row.expires_at) <= now;
    const prefs = JSON.parse(String(row.categories)) as CategoryPreferences;
    const known = {
      at: Number(row.given_at),
      seq: Number(row.seq),
      marketing: !expired && prefs.marketing === true,
    };
    // By record id only a decision naming neither id (the SDK's refusals): one naming another
    // anonymous id is the next visitor's on that browser (after a logout's reset()).
    const byRecord = row.anonymous_id === null && row.user_id === null;
    const profiles = new Set(byRecord ? profilesOfRecord.get(String(row.id)) : undefined);
    const direct = profileOf(row.user_id, row.anonymous_id);
    if (direct) profiles.add(direct);
    for (const profile of profiles)
      if (later(known, latest.get(profile))) latest.set(profile, known);
  }

  const unknown = profileIds.filter((p) => !latest.has(p));
  const summaries = await client.execute({
    sql: `SELECT profile_id, context->>'$.consent.marketing' FROM profile_facts
      WHERE source_id = ? AND profile_id ${IN_JSON} AND context_at->>'$.consent' IS NOT NULL`,
    args: [sourceId, JSON.stringify(unknown)],
  });
  const marketing = new Map([...latest].map(([id, k]) => [id, k.marketing]));
  for (const row of summaries.rows) marketing.set(String(row[0]), Number(row[1]) === 1);
  return marketing;
}
