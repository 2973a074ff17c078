import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { Source, SourceStore } from '../sources/store.js';

const MAX_WRITE_KEY_LENGTH = 100;

/** The last Authorization header decoded: a busy sender repeats its own on every request. */
let lastBasic = { header: '', user: '' };

function basicUser(header: string): string {
  if (header !== lastBasic.header) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    lastBasic = { header, user: decoded.split(':')[0] ?? '' };
  }
  return lastBasic.user;
}

/** HTTP's auth scheme names are case-insensitive (RFC 9110 §11.1). */
const BASIC = /^basic /i;

/** Write key from HTTP Basic (user name, what Segment's libraries send) or from the body. */
export function writeKeyOf(c: Context, body: unknown): string | undefined {
  const header = c.req.header('Authorization');
  if (header && BASIC.test(header)) {
    const user = basicUser(header);
    if (user) return user;
  }
  const fromBody = (body as { writeKey?: unknown } | null)?.writeKey;
  return typeof fromBody === 'string' && fromBody ? fromBody : undefined;
}

export async function authenticateSource(
  c: Context,
  body: unknown,
  sources: SourceStore,
): Promise<Source> {
  const writeKey = writeKeyOf(c, body);
  if (!writeKey) {
    throw new ApiError(
      401,
      'missing_write_key',
      'Send the write key as the Basic auth user or as writeKey in the body',
    );
  }
  // Longer than any key issued (wk_ and 24 characters): refused before it is looked up or
  // remembered as unknown, so a flood of huge keys fills no cache.
  const source =
    writeKey.length <= MAX_WRITE_KEY_LENGTH ? await sources.byWriteKey(writeKey) : undefined;
  if (!source) throw new ApiError(401, 'invalid_write_key', 'Unknown write key');
  return source;
}
