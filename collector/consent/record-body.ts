import { z } from 'zod';
import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import { MAX_TIME } from '../ingest/validate.js';

// Times a Date can hold: the dashboard formats them.
const time = z
  .union([z.number(), z.iso.datetime({ offset: true }).transform(Date.parse)])
  .pipe(z.number().int().min(0).max(MAX_TIME));

/** A decision as the SDK (or a server) posts it to `/v1/consent`. */
export const ConsentRecordBody = z.object({
  id: z.string().min(1).max(100),
  anonymousId: z.string().min(1).max(200).optional(),
  userId: z.string().min(1).max(200).optional(),
  categories: z.partialRecord(z.enum(CONSENT_CATEGORIES), z.boolean()),
  revision: z.number().int().min(0).max(1_000_000).default(1),
  source: z.enum(['banner', 'settings', 'api', 'gpc', 'tcf', 'gpp', 'withdrawal']),
  givenAt: time,
  expiresAt: time.optional(),
  gpc: z.boolean().default(false),
  language: z.string().max(35).optional(),
  policyVersion: z.string().max(100).optional(),
});

export type ConsentRecordInput = z.infer<typeof ConsentRecordBody>;
