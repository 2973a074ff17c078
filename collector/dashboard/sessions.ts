import { createHmac, randomBytes } from 'node:crypto';
import { eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { dashboardSessions } from '../db/schema.js';

export interface Session {
  id: string;
  /** Sent back in every POST form of this session (`_csrf`); SameSite=Strict is the first line. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const token = () => randomBytes(32).toString('base64url');

/**
 * Server-side dashboard sessions in the database: a cookie holds only a random id (stored
 * as its digest), logout really ends the session, and a restart signs no one out. The digest
 * is keyed with the admin token, so replacing a leaked token ends every session it opened.
 */
export function createSessionStore(
  db: Db,
  now: () => number,
  adminToken: string,
  ttlMs = SESSION_TTL_MS,
) {
  const digest = (id: string) => createHmac('sha256', adminToken).update(id).digest('base64url');
  const byDigest = (id: string) => eq(dashboardSessions.tokenHash, digest(id));

  return {
    /** Starts a session; expired ones are swept here, so the table holds at most a TTL's sign-ins. */
    async create(): Promise<Session> {
      const at = now();
      const session = { id: token(), csrf: token(), expiresAt: at + ttlMs };
      await db.batch([
        db.delete(dashboardSessions).where(lte(dashboardSessions.expiresAt, at)),
        db.insert(dashboardSessions).values({
          tokenHash: digest(session.id),
          csrf: session.csrf,
          createdAt: at,
          expiresAt: session.expiresAt,
        }),
      ]);
      return session;
    },
    async get(id: string | undefined): Promise<Session | undefined> {
      if (!id) return undefined;
      const row = await db.query.dashboardSessions.findFirst({ where: byDigest(id) });
      if (!row) return undefined;
      if (row.expiresAt <= now()) {
        await db.delete(dashboardSessions).where(byDigest(id));
        return undefined;
      }
      return { id, csrf: row.csrf, expiresAt: row.expiresAt };
    },
    async delete(id: string) {
      await db.delete(dashboardSessions).where(byDigest(id));
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
