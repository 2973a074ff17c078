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

/**
 * Whether each profile's latest known consent grants marketing: the later of its latest
 * consent record (`/v1/consent`, which already turns GPC into a marketing denial; an expired
 * one grants nothing) and the consent its latest event carried, as the engine's summary
 * knows it (merged over the profile's linked anonymous ids). Profiles with neither are absent.
 */
export async function marketingConsentOf(
  client: Client,
  sourceId: string,
  profileIds: string[],
  now: number,
): Promise<Map<string, boolean>> {
  const users = profileIds.filter((p) => p.startsWith('u:')).map((p) => p.slice(2));
  const profileOfAnon = await anonymousIdsOf(client, sourceId, profileIds);

  const latest = new Map<string, Known>();
  const consider = (profileId: string, known: Known) => {
    if (later(known, latest.get(profileId))) latest.set(profileId, known);
  };

  const records = await client.execute({
    // Two index searches (consent_source_user, consent_source_anonymous).
    sql: `SELECT user_id, anonymous_id, categories, given_at, seq, expires_at FROM consent_records
      WHERE source_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))
      UNION ALL SELECT user_id, anonymous_id, categories, given_at, seq, expires_at FROM consent_records
      WHERE source_id = ?1 AND anonymous_id IN (SELECT value FROM json_each(?3))`,
    args: [sourceId, JSON.stringify(users), JSON.stringify([...profileOfAnon.keys()])],
  });
  const userSet = new Set(users);
  for (const row of records.rows) {
    const { user_id: userId, anonymous_id: anonymousId, expires_at: expiresAt } = row;
    const expired = expiresAt !== null && Number(expiresAt) <= now;
    const prefs = JSON.parse(String(row.categories)) as CategoryPreferences;
    const known = {
      at: Number(row.given_at),
      seq: Number(row.seq),
      marketing: !expired && prefs.marketing === true,
    };
    if (userId !== null && userSet.has(String(userId))) consider(`u:${userId}`, known);
    const viaAnon = anonymousId === null ? undefined : profileOfAnon.get(String(anonymousId));
    if (viaAnon) consider(viaAnon, known);
  }

  const summaries = await client.execute({
    sql: `SELECT profile_id, context->>'$.consent.marketing', context_at->>'$.consent[0]'
      FROM profile_facts WHERE source_id = ? AND profile_id IN (SELECT value FROM json_each(?))
        AND context_at->>'$.consent' IS NOT NULL`,
    args: [sourceId, JSON.stringify(profileIds)],
  });
  for (const row of summaries.rows) {
    // An event stamp and a record at the same time: the record (seq -1 loses the tie).
    consider(String(row[0]), { at: Number(row[2]), seq: -1, marketing: Number(row[1]) === 1 });
  }

  return new Map([...latest].map(([id, k]) => [id, k.marketing]));
}
