import type { ConsentRecord } from '../../shared/consent.js';
import { postText } from '../transport.js';

export const KEY = 'sgm_consent';

/**
 * The stored decision, if it is for this policy revision and has not expired; one without
 * categories (corrupt, or written by other code) is none.
 */
export function loadRecord(revision: number, now = Date.now()): ConsentRecord | undefined {
  try {
    const record = JSON.parse(localStorage.getItem(KEY) as string) as ConsentRecord | null;
    if (record?.revision === revision && record.expiresAt > now && record.categories) return record;
  } catch {}
  return undefined;
}

/** First-party and strictly necessary: remembering the decision is what the law asks for. */
export function saveRecord(record: ConsentRecord): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(record));
  } catch {}
}

/** Appends the decision to the collector's consent log (proof of consent). */
export function postRecord(
  apiHost: string,
  writeKey: string,
  record: ConsentRecord,
  anonymousId?: string,
): void {
  void postText(
    `${apiHost}/v1/consent`,
    JSON.stringify({ writeKey, ...record, anonymousId }),
    true,
  );
}
