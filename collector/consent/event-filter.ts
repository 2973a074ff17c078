import { type ConsentContext, consentDenial } from '../../shared/consent.js';
import type { EventFilter, IngestRequest } from '../ingest/filters.js';

/**
 * Server-side re-enforcement: an event is stored only if the consent it carries grants its
 * category, with `Sec-GPC: 1` denying marketing like the browser signal. Events without
 * `context.consent` (server libraries) are the sender's responsibility, unless the source
 * requires consent on every event.
 */
export const consentFilter: EventFilter = (event, req) => consentRefusal(event.context, req);

/** The same check on an event's `context` as sent, also of an event that failed validation. */
export function consentRefusal(
  context: unknown,
  { source, gpc }: Pick<IngestRequest, 'source' | 'gpc'>,
) {
  const consent =
    typeof context === 'object' && context !== null
      ? ((context as { consent?: unknown }).consent as ConsentContext | undefined)
      : undefined;
  if (consent === undefined) return source.requireConsent ? 'consent_missing' : undefined;
  return consentDenial(consent, gpc);
}
