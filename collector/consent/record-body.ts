import { z } from 'zod';
import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import { MAX_TIME, plainText } from '../ingest/validate.js';

// Times a Date can hold: the dashboard formats them.
const time = z
  .union([z.number(), z.iso.datetime({ offset: true }).transform(Date.parse)])
  .pipe(z.number().int().min(0).max(MAX_TIME));

/**
 * A decision as the SDK (or a server) posts it to `/v1/consent`. Its text is refused with
 * control characters as ingest's ids are: "rec\0a" and "rec\0b" would both read back as "rec".
 */
export const ConsentRecordBody = z.object({
  id: plainText(1, 100),
  anonymousId: plainText(1, 200).optional(),
  userId: plainText(1, 200).optional(),
  categories: z.partialRecord(z.enum(CONSENT_CATEGORIES), z.boolean()),
  revision: z.number().int().min(0).max(1_000_000).default(1),
  source: z.enum(['banner', 'settings', 'api', 'gpc', 'tcf', 'gpp', 'withdrawal']),
  givenAt: time,
  expiresAt: time.optional(),
  gpc: z.boolean().default(false),
  language: plainText(0, 35).optional(),
  policyVersion: plainText(0, 100).optional(),
});

export type ConsentRecordInput = z.infer<typeof ConsentRecordBody>;
