/**
 * The one normaliser of e-mail and phone before SHA-256, shared by the SDK (hashing in the
 * browser) and the collector (audience exports), so both hash the same person to the same line.
 *
 * What the platforms ask for in customer lists (checked 2026-11):
 * - Meta: e-mail trimmed and lower-cased; phone with "symbols, letters, and any leading zeros"
 *   removed and the country code included, e.g. (650)555-1212 → 16505551212; a leading `+`
 *   gets no matches (developers.facebook.com/docs/marketing-api/conversions-api/parameters/
 *   customer-information-parameters, `ph`; help.salesforce.com article 000391108 on Custom
 *   Audiences: "447123456 and not +447123456").
 * - TikTok customer file (ads.tiktok.com/help/article/list-of-supported-ids-and-formats-for-a-
 *   customer-file, "Last updated: August 2025"): phone "Remove symbols, including '+' sign …
 *   leading zeros … Add country code if missing", (657)777-0000 → 16577770000 — the same
 *   digits as Meta (earlier revisions of that page asked for E.164 with `+`; the Pixel and
 *   Events API `phone_number` still do, which these audience files are not). E-mail lower-case
 *   with "'+' and any characters following the '+' symbol until '@'" removed.
 * So phones have one canonical form (digits with country code) for both platforms; e-mail
 * differs only by TikTok dropping a `+tag`.
 */

export const AUDIENCE_PLATFORMS = ['meta', 'tiktok'] as const;
export type AudiencePlatform = (typeof AUDIENCE_PLATFORMS)[number];
/** The form the SDK hashes in, so browser hashes match the default export line for line. */
export const DEFAULT_AUDIENCE_PLATFORM: AudiencePlatform = 'meta';

/** A lower-case hex SHA-256: already hashed, passed through as is. */
export const isSha256Hex = (s: string): boolean => /^[0-9a-f]{64}$/.test(s);

/**
 * Trimmed and lower-cased; undefined when it is no address. The default platform's form, the
 * one the SDK hashes in (its bundle then carries no TikTok variant).
 */
export function metaEmail(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(e) ? e : undefined;
}

/** Trimmed and lower-cased (TikTok: without a `+tag`); undefined when it is no address. */
export function normalizeEmail(
  email: string,
  platform: AudiencePlatform = DEFAULT_AUDIENCE_PLATFORM,
): string | undefined {
  const e = metaEmail(email);
  return platform === 'tiktok' ? e?.replace(/\+[^@]*@/, '@') : e;
}

const digitsOf = (s: string) => s.replace(/\D/g, '').replace(/^0+/, '');

/**
 * Digits with the country code, no `+`, no leading zeros (both platforms' form). A number
 * written without `+` or `00` is national: `countryCode` (e.g. `49`) replaces its trunk zero.
 * A trunk zero kept in brackets after the country code (`+49 (0)30 …`) is dropped.
 * Undefined when fewer than 7 or more than 15 digits (E.164's maximum) remain.
 */
export function normalizePhone(phone: string, countryCode = ''): string | undefined {
  const raw = phone.trim().replace('(0)', '');
  const national = !raw.startsWith('+') && !raw.startsWith('00');
  const n = digitsOf(national ? countryCode : '') + digitsOf(raw);
  return n.length >= 7 && n.length <= 15 ? n : undefined;
}
