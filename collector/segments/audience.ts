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

export type AudienceKind = 'email' | 'phone';
const KINDS: readonly AudienceKind[] = ['email', 'phone'];
export interface AudienceHash {
  kind: AudienceKind;
  hash: string;
}

/**
 * The column headers each platform's customer-file upload maps identifiers by:
 * - Meta: `email`, `phone` ("How to format a customer list when creating a custom audience",
 *   https://www.facebook.com/business/help/2082575038703844; hashed values are accepted).
 * - TikTok: `Email_SHA256`, `Phone_SHA256` for hashed values (https://ads.tiktok.com/help/article/
 *   list-of-supported-ids-and-formats-for-a-customer-file, "Last updated: August 2025").
 */
const HEADERS: Record<AudiencePlatform, Record<AudienceKind, string>> = {
  meta: { email: 'email', phone: 'phone' },
  tiktok: { email: 'Email_SHA256', phone: 'Phone_SHA256' },
};

/** The audience file's header row: an e-mail column and a phone column, named for `platform`. */
export const audienceHeader = (platform: AudiencePlatform = DEFAULT_AUDIENCE_PLATFORM) =>
  KINDS.map((kind) => HEADERS[platform][kind]).join(',');

/** One hash per line, in its kind's column (the other cell empty). */
export const audienceLine = ({ kind, hash }: AudienceHash) =>
  KINDS.map((k) => (k === kind ? hash : '')).join(',');

/**
 * SHA-256 hashes for a custom audience from a profile's traits, normalised for `platform`
 * (shared/pii.ts). `email_sha256` / `phone_sha256` hashed by the SDK pass through: they are in
 * the default platform's form and cannot be re-formatted (for TikTok, an e-mail hash of an
 * address with a `+tag` will not match; phones are the same for both platforms).
 */
export function audienceHashes(
  traits: Record<string, unknown>,
  { platform = DEFAULT_AUDIENCE_PLATFORM, countryCode }: AudienceOptions = {},
): AudienceHash[] {
  const out = new Map<string, AudienceKind>();
  const take = (
    kind: AudienceKind,
    value: unknown,
    normalise: (s: string) => string | undefined,
  ) => {
    if (typeof value !== 'string' || !value) return;
    if (isSha256Hex(value)) out.set(value, kind);
    else {
      const n = normalise(value);
      if (n) out.set(sha256(n), kind);
    }
  };
  const email = (s: string) => normalizeEmail(s, platform);
  const phone = (s: string) => normalizePhone(s, countryCode);
  take('email', traits.email, email);
  take('email', traits.email_sha256, email);
  take('phone', traits.phone, phone);
  take('phone', traits.phone_sha256, phone);
  return [...out].map(([hash, kind]) => ({ kind, hash }));
}
