import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  /** Sent back in every POST form of this session (`_csrf`); SameSite=Strict is the first line. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Server-side dashboard sessions kept in memory: a cookie holds only a random id, logout
 * really ends the session, and a restart signs everyone out (the admin token is the login).
 */
export function createSessionStore(now: () => number, ttlMs = SESSION_TTL_MS) {
  const sessions = new Map<string, Session>();
  const token = () => randomBytes(32).toString('base64url');

  function sweep() {
    const t = now();
    for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
  }

  return {
    create(): Session {
      sweep();
      const session = { id: token(), csrf: token(), expiresAt: now() + ttlMs };
      sessions.set(session.id, session);
      return session;
    },
    get(id: string | undefined): Session | undefined {
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    delete(id: string) {
      sessions.delete(id);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
