import { type ConsentContext, consentDenial } from '../../shared/consent.js';
import type { EventFilter } from '../ingest/filters.js';

/**
 * Server-side re-enforcement: an event is stored only if the consent it carries grants its
 * category, with `Sec-GPC: 1` denying marketing like the browser signal. Events without
 * `context.consent` (server libraries) are the sender's responsibility, unless the source
 * requires consent on every event.
 */
export const consentFilter: EventFilter = (event, { source, gpc }) => {
  const consent = event.context?.consent as ConsentContext | undefined;
  if (consent === undefined) return source.requireConsent ? 'consent_missing' : undefined;
  return consentDenial(consent, gpc);
};
