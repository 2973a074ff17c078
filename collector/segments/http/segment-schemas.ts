import { z } from 'zod';
import { AUDIENCE_PLATFORMS, DEFAULT_AUDIENCE_PLATFORM } from '../../../shared/pii.js';
import { withoutNul } from '../../db/text.js';
import { RuleSchema, SegmentDefinitionSchema } from '../rule-schema.js';

export const SegmentCreateSchema = SegmentDefinitionSchema.extend({
  sourceId: z.string().optional(),
  webhookUrl: withoutNul(z.url({ protocol: /^https?$/ }))
    .describe(
      'https URL for enter/exit webhooks. http and loopback, private, link-local or unique-local addresses (literal or resolved) are refused with 400 webhook_url_not_allowed unless the collector runs with WEBHOOK_ALLOW_PRIVATE=true',
    )
    .nullable()
    .optional(),
});

/** Optional fields sent as null are removed (a UTM template, a re-entry wait, a description). */
export const SegmentPatchSchema = SegmentCreateSchema.omit({ key: true, sourceId: true })
  .extend({
    description: SegmentDefinitionSchema.shape.description.unwrap().nullable(),
    reentryAfter: SegmentDefinitionSchema.shape.reentryAfter.unwrap().nullable(),
    utm: SegmentDefinitionSchema.shape.utm.unwrap().nullable(),
  })
  .partial();

export const PreviewSchema = z.strictObject({
  sourceId: z.string().optional(),
  rule: RuleSchema,
  sampleSize: z.number().int().min(0).max(100).default(10),
});

export const MembersQuery = z.object({
  sourceId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(0).default(0),
});

export const ExportQuery = z.object({
  sourceId: z.string().optional(),
  format: z.enum(['csv', 'ndjson', 'audience']).default('csv'),
  /** Audience files only: whose normalisation rules (shared/pii.ts). */
  platform: z.enum(AUDIENCE_PLATFORMS).default(DEFAULT_AUDIENCE_PLATFORM),
  /** Audience files only: country calling code for phones stored without one. */
  countryCode: z
    .string()
    .regex(/^\+?[1-9]\d{0,2}$/, 'a country calling code such as 49')
    .optional(),
});

export const LinkSchema = z.strictObject({
  sourceId: z.string().optional(),
  segment: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
});
