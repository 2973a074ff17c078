import type { Client } from '@libsql/client';
import type { Writer } from '../ingest/writer.js';
import { linkedIdsStatement, PROFILE_TABLES, type ProfileScope } from './profile-tables.js';
import type { Suppressions } from './suppressions.js';

export interface ProfileDeps {
  client: Client;
  writer: Writer;
  suppressions: Suppressions;
  now: () => number;
  /**
   * Runs the erasing transaction while derived data is not being rewritten (the segment
   * engine's exclusive slot: it must not write back a summary it read before the erase).
   */
  exclusive?: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * One person's ids in one source: the id asked for, the ids linked to it, and the other
 * devices of the user found (erasing one device's id of a user erases the user). Not further,
 * and not when the id links to several users (one browser, two logins): that would pull in
 * other people's devices.
 */
async function scopeOf(client: Client, id: string, sourceId: string): Promise<ProfileScope> {
  const linked = async (ids: string[]) =>
    (await client.execute(linkedIdsStatement({ ids, sourceId }))).rows.map((r) => ({
      id: String(r.id),
      kind: String(r.kind),
    }));
  const direct = await linked([id]);
  const users = direct.filter((r) => r.kind === 'user').map((r) => r.id);
  const devices =
    users.length === 1 ? (await linked(users)).filter((r) => r.kind === 'device') : [];
  const ids = new Set([id, ...direct.map((r) => r.id), ...devices.map((r) => r.id)]);
  return { ids: [...ids], sourceId };
}

/**
 * The person's scope in each source asked for (one, or all of them). Links are followed only
 * within the source whose events made them: user ids are each site's own, and user 42 of one
 * site is not user 42 of another.
 */
async function scopesOf(client: Client, id: string, sourceId?: string) {
  const sourceIds = sourceId
    ? [sourceId]
    : (await client.execute('SELECT id FROM sources ORDER BY created_at')).rows.map((r) =>
        String(r.id),
      );
  const scopes: ProfileScope[] = [];
  for (const source of sourceIds) scopes.push(await scopeOf(client, id, source));
  return scopes;
}

const idsOf = (scopes: ProfileScope[]) => [...new Set(scopes.flatMap((s) => s.ids))];

/** Everything stored about one person (by user or anonymous id), table by table. */
export async function exportProfile(client: Client, id: string, sourceId?: string) {
  const scopes = await scopesOf(client, id, sourceId);
  const data: Record<string, unknown[]> = {};
  for (const table of PROFILE_TABLES) {
    const rows: unknown[] = [];
    for (const scope of scopes) {
      rows.push(...(await client.execute(table.select(scope))).rows.map((r) => ({ ...r })));
    }
    data[table.name] = rows;
  }
  return { id, linkedIds: idsOf(scopes), ...data };
}

/**
 * Erases one person's rows in every profile table in one transaction and keeps a
 * suppression entry for each of their ids, so events still on their way are dropped.
 */
export async function eraseProfile(deps: ProfileDeps, id: string, sourceId?: string) {
  const scopes = await scopesOf(deps.client, id, sourceId);
  // The id asked for stays erased wherever it was asked (every source: also those added
  // later); the ids linked to it in the source that linked them.
  await deps.suppressions.add([id], sourceId, deps.now());
  for (const scope of scopes) {
    const linked = scope.ids.filter((x) => x !== id);
    await deps.suppressions.add(linked, scope.sourceId, deps.now());
  }
  // Rows validated before the suppression may still be waiting in the writer.
  await deps.writer.flush();
  const stmts = scopes.flatMap((scope) =>
    PROFILE_TABLES.flatMap((t) => t.erase(scope).map((s) => ({ name: t.name, s }))),
  );
  const erase = () =>
    deps.client.batch(
      stmts.map((x) => x.s),
      'write',
    );
  const results = await (deps.exclusive ? deps.exclusive(erase) : erase());
  const erased: Record<string, number> = {};
  stmts.forEach(({ name }, i) => {
    erased[name] = (erased[name] ?? 0) + (results[i]?.rowsAffected ?? 0);
  });
  return { id, linkedIds: idsOf(scopes), erased };
}
