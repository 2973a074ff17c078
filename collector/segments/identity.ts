import type { Client, InStatement } from '@libsql/client';

/**
 * Profile ids: `u:<userId>` for identified users, `a:<anonymousId>` for visitors not yet
 * linked to one. An anonymous id belongs to the first user it was seen with, so anonymous
 * history counts for that user and two identified users are never merged.
 */
export function profileOf(
  userId: string | null,
  anonymousId: string | null,
  links: ReadonlyMap<string, string>,
): string | undefined {
  if (userId) return `u:${userId}`;
  if (!anonymousId) return undefined;
  const linked = links.get(anonymousId);
  return linked ? `u:${linked}` : `a:${anonymousId}`;
}

/** The identities that make up a profile id (user id and linked anonymous ids). */
export function splitProfileId(profileId: string): { userId?: string; anonymousId?: string } {
  if (profileId.startsWith('u:')) return { userId: profileId.slice(2) };
  if (profileId.startsWith('a:')) return { anonymousId: profileId.slice(2) };
  return {};
}

/**
 * Which profile each anonymous id of `profileIds` counts for: an `a:` profile's own id, and
 * every anonymous id linked to a `u:` profile's user, for reads that merge a user's anonymous
 * history as the engine does.
 */
export async function anonymousIdsOf(
  client: Client,
  sourceId: string,
  profileIds: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const users: string[] = [];
  for (const p of profileIds) {
    const { userId, anonymousId } = splitProfileId(p);
    if (userId) users.push(userId);
    else if (anonymousId) out.set(anonymousId, p);
  }
  const links = await client.execute({
    sql: `SELECT anonymous_id, user_id FROM profile_links
      WHERE source_id = ? AND user_id IN (SELECT value FROM json_each(?))`,
    args: [sourceId, JSON.stringify(users)],
  });
  for (const row of links.rows) out.set(String(row[0]), `u:${row[1]}`);
  return out;
}

/** Deletes every link of these users (their events, which proved the links, are gone). */
export function unlinkStatement(sourceId: string, userIds: string[]): InStatement {
  return {
    sql: 'DELETE FROM profile_links WHERE source_id = ? AND user_id IN (SELECT value FROM json_each(?))',
    args: [sourceId, JSON.stringify(userIds)],
  };
}

/** One source's anonymous → user links, kept in memory both ways. */
export class IdentityMap {
  readonly userOf = new Map<string, string>();
  private readonly anons = new Map<string, string[]>();

  add(anonymousId: string, userId: string): boolean {
    if (this.userOf.has(anonymousId)) return false;
    this.userOf.set(anonymousId, userId);
    const list = this.anons.get(userId);
    if (list) list.push(anonymousId);
    else this.anons.set(userId, [anonymousId]);
    return true;
  }

  anonymousIdsOf(userId: string): string[] {
    return this.anons.get(userId) ?? [];
  }

  /** Forgets every anonymous id linked to the user (see unlinkStatement). */
  removeUser(userId: string) {
    for (const anonymousId of this.anonymousIdsOf(userId)) this.userOf.delete(anonymousId);
    this.anons.delete(userId);
  }

  remove(anonymousId: string) {
    const user = this.userOf.get(anonymousId);
    if (!user) return;
    this.userOf.delete(anonymousId);
    this.anons.set(
      user,
      this.anonymousIdsOf(user).filter((a) => a !== anonymousId),
    );
  }

  static async load(client: Client, sourceId: string): Promise<IdentityMap> {
    const map = new IdentityMap();
    const r = await client.execute({
      sql: 'SELECT anonymous_id, user_id FROM profile_links WHERE source_id = ?',
      args: [sourceId],
    });
    for (const row of r.rows) map.add(String(row[0]), String(row[1]));
    return map;
  }
}
