import { toHex, utf8 } from './bytes.js';

/** E-mail as TikTok and Meta match it: trimmed and lower-cased. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Phone in E.164 (`+` country code and digits, no symbols, no trunk zero), as TikTok
 * requires; Meta wants the same digits without the `+`. A national number (no `+` or `00`)
 * gets `countryCode` (e.g. `49`) in front once its leading zeros are gone.
 */
export function normalizePhone(phone: string, countryCode = ''): string {
  const raw = phone.trim();
  let digits = raw.replace(/\D/g, '');
  if (raw.startsWith('00')) digits = digits.slice(2);
  else if (!raw.startsWith('+'))
    digits = countryCode.replace(/\D/g, '') + digits.replace(/^0+/, '');
  return `+${digits}`;
}

const isSha256 = (s: string) => /^[a-f0-9]{64}$/.test(s);

/** Lower-case hex SHA-256 via WebCrypto (secure contexts only; rejects elsewhere). */
export async function sha256(text: string): Promise<string> {
  if (isSha256(text)) return text;
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));
}

export const hashEmail = (email: string): Promise<string> => sha256(normalizeEmail(email));
export const hashPhone = (phone: string, countryCode?: string): Promise<string> =>
  sha256(normalizePhone(phone, countryCode));

/**
 * Replaces `email` and `phone` traits with `email_sha256` / `phone_sha256`. The raw values
 * never stay in the result, even where hashing is impossible (no WebCrypto outside https).
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
