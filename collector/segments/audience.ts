import { createHash } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** E-mail as the ad platforms normalise it: trimmed, lower-cased. */
export function normaliseEmail(email: string): string | undefined {
  const e = email.trim().toLowerCase();
  return e.includes('@') ? e : undefined;
}

/** Phone as E.164 digits without "+" (country code kept, "00" prefix dropped). */
export function normalisePhone(phone: string): string | undefined {
  const digits = phone.trim().replace(/^00/, '').replace(/\D/g, '');
  return digits.length >= 7 ? digits : undefined;
}

/**
 * SHA-256 hashes for a TikTok/Meta custom audience from a profile's traits. Values that
 * are already hashes (the SDK hashes in the browser when asked) pass through.
 */
export function audienceHashes(traits: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const take = (value: unknown, normalise: (s: string) => string | undefined) => {
    if (typeof value !== 'string' || !value) return;
    if (HEX64.test(value)) out.add(value);
    else {
      const n = normalise(value);
      if (n) out.add(sha256(n));
    }
  };
  take(traits.email, normaliseEmail);
  take(traits.email_sha256, normaliseEmail);
  take(traits.phone, normalisePhone);
  take(traits.phone_sha256, normalisePhone);
  return [...out];
}
