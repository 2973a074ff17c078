import { isSha256Hex, metaEmail, normalizePhone } from '../shared/pii.js';
import { toHex, utf8 } from './bytes.js';

/** Lower-case hex SHA-256 via WebCrypto (secure contexts only; rejects elsewhere). */
const sha256 = async (text: string): Promise<string> =>
  toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));

/** A value that is already a hash is kept; one that normalises to nothing gives undefined. */
async function hashOf(value: string, normalized: string | undefined) {
  if (isSha256Hex(value)) return value;
  return normalized === undefined ? undefined : sha256(normalized);
}

/**
 * SHA-256 in the default audience platform's form (see shared/pii.ts): the collector's default
 * audience export puts these hashes and its own hashes of the same raw values on the same line.
 * A hash cannot be re-formatted for another platform afterwards.
 */
export const hashEmail = (email: string): Promise<string | undefined> =>
  hashOf(email, metaEmail(email));
export const hashPhone = (phone: string, countryCode?: string): Promise<string | undefined> =>
  hashOf(phone, normalizePhone(phone, countryCode));

/**
 * Replaces `email` and `phone` traits with `email_sha256` / `phone_sha256`. The raw values
 * never stay in the result, even where hashing is impossible (no WebCrypto outside https) or
 * the value is no e-mail address / phone number.
 */
export async function hashTraits(
  traits: Record<string, unknown>,
  countryCode?: string,
): Promise<Record<string, unknown>> {
  const { email, phone, ...rest } = traits;
  try {
    if (typeof email === 'string') rest.email_sha256 = await hashEmail(email);
    if (typeof phone === 'string') rest.phone_sha256 = await hashPhone(phone, countryCode);
  } catch {}
  return rest;
}
