import { createHash } from 'node:crypto';
import {
  type AudiencePlatform,
  DEFAULT_AUDIENCE_PLATFORM,
  isSha256Hex,
  normalizeEmail,
  normalizePhone,
} from '../../shared/pii.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface AudienceOptions {
  platform?: AudiencePlatform;
  /** Country calling code for phones stored without one (as the SDK's `phoneCountryCode`). */
  countryCode?: string;
}

/**
 * SHA-256 hashes for a custom audience from a profile's traits, normalised for `platform`
 * (shared/pii.ts). `email_sha256` / `phone_sha256` hashed by the SDK pass through: they are in
 * the default platform's form and cannot be re-formatted (for TikTok, an e-mail hash of an
 * address with a `+tag` will not match; phones are the same for both platforms).
 */
export function audienceHashes(
  traits: Record<string, unknown>,
  { platform = DEFAULT_AUDIENCE_PLATFORM, countryCode }: AudienceOptions = {},
): string[] {
  const out = new Set<string>();
  const take = (value: unknown, normalise: (s: string) => string | undefined) => {
    if (typeof value !== 'string' || !value) return;
    if (isSha256Hex(value)) out.add(value);
    else {
      const n = normalise(value);
      if (n) out.add(sha256(n));
    }
  };
  const email = (s: string) => normalizeEmail(s, platform);
  const phone = (s: string) => normalizePhone(s, countryCode);
  take(traits.email, email);
  take(traits.email_sha256, email);
  take(traits.phone, phone);
  take(traits.phone_sha256, phone);
  return [...out];
}
