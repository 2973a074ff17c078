import { z } from 'zod';
import { CONSENT_CATEGORIES } from '../../shared/consent.js';
import {
  ACTIVE_DAY_KINDS,
  COMPARE_OPS,
  CONTEXT_FIELDS,
  type CountBound,
  type PropertyFilter,
  type Rule,
  type SegmentDefinition,
} from '../../shared/segment-rules.js';
import { withoutNul } from '../db/text.js';
import { plainText } from '../ingest/validate.js';
import { parseDuration } from './duration.js';

const duration = z.string().refine((s) => parseDuration(s) !== undefined, {
  message: 'must be a duration like "30s", "30m", "1h", "30d" or "2w"',
});
const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const name = z.string().min(1).max(200);
/** As ingest takes them; the engine's SQL names them (a NUL there failed every recompute). */
const eventName = plainText(1, 200);
const count = z.number().int().min(0).max(100_000);

type Issue = { code: 'custom'; path: PropertyKey[]; message: string };

/** Which operators need which kind of operand: checked once, reported on the filter. */
function operandIssues(op: string, value: unknown, hasRef: boolean): Issue[] {
  if (op === 'exists' || op === 'notExists') {
    return value !== undefined || hasRef
      ? [{ code: 'custom', path: ['value'], message: `"${op}" takes no value` }]
      : [];
  }
  if (hasRef) {
    if (value !== undefined)
      return [{ code: 'custom', path: ['value'], message: 'give value or sameAs, not both' }];
    if (op === 'in' || op === 'notIn') {
      return [
        {
          code: 'custom',
          path: ['sameAs'],
          message: `"${op}" compares with a list value, not sameAs`,
        },
      ];
    }
    return [];
  }
  if (value === undefined)
    return [{ code: 'custom', path: ['value'], message: `"${op}" needs a value` }];
  const isList = Array.isArray(value);
  if ((op === 'in' || op === 'notIn') !== isList) {
    return [
      {
        code: 'custom',
        path: ['value'],
        message: isList ? `"${op}" takes a single value` : `"${op}" takes a list of values`,
      },
    ];
  }
  return [];
}

const comparison = { op: z.enum(COMPARE_OPS), value: z.union([scalar, z.array(scalar).max(500)]) };

const PropertyFilterSchema = z
  .strictObject({
    property: name,
    op: comparison.op,
    value: comparison.value.optional(),
    sameAs: name.optional(),
  })
  .superRefine((f, ctx) => {
    for (const issue of operandIssues(f.op, f.value, f.sameAs !== undefined)) ctx.addIssue(issue);
  });

const where = z.array(PropertyFilterSchema).max(20).optional();
const eventMatch = {
  event: z.union([eventName, z.array(eventName).min(1).max(20)]),
  where,
};
const countBound = {
  atLeast: count.optional(),
  atMost: count.optional(),
  exactly: count.optional(),
};

function countIssues(c: CountBound): Issue[] {
  if (c.exactly !== undefined && (c.atLeast !== undefined || c.atMost !== undefined)) {
    return [
      {
        code: 'custom',
        path: ['exactly'],
        message: 'exactly cannot be combined with atLeast/atMost',
      },
    ];
  }
  if (c.atLeast !== undefined && c.atMost !== undefined && c.atLeast > c.atMost) {
    return [{ code: 'custom', path: ['atMost'], message: 'atMost must be at least atLeast' }];
  }
  return [];
}

/** sameAs needs an event to refer to; outside funnels and `notPerformed.after` it has none. */
function noRefIssues(filters: PropertyFilter[] | undefined, path: PropertyKey[]): Issue[] {
  return (filters ?? []).flatMap((f, i) =>
    f.sameAs === undefined
      ? []
      : [
          {
            code: 'custom',
            path: [...path, i, 'sameAs'],
            message:
              'sameAs refers to another event: use it in notPerformed.where (with after) or in funnel steps after the first',
          },
        ],
  );
}

const AnchorSchema = z.strictObject({
  ...eventMatch,
  within: duration.optional(),
  olderThan: duration.optional(),
});

const leaf = [
  z
    .strictObject({
      type: z.literal('performed'),
      ...eventMatch,
      ...countBound,
      within: duration.optional(),
      between: z.strictObject({ from: duration, to: duration }).optional(),
    })
    .superRefine((r, ctx) => {
      for (const issue of countIssues(r)) ctx.addIssue(issue);
      for (const issue of noRefIssues(r.where, ['where'])) ctx.addIssue(issue);
      if (r.within && r.between) {
        ctx.addIssue({
          code: 'custom',
          path: ['between'],
          message: 'give within or between, not both',
        });
      }
      if (r.between && (parseDuration(r.between.from) ?? 0) <= (parseDuration(r.between.to) ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['between', 'from'],
          message: 'from must be further in the past than to (e.g. from "10d" to "3d")',
        });
      }
    }),
  z
    .strictObject({
      type: z.literal('notPerformed'),
      ...eventMatch,
      within: duration.optional(),
      after: AnchorSchema.optional(),
    })
    .superRefine((r, ctx) => {
      if (!r.after) for (const issue of noRefIssues(r.where, ['where'])) ctx.addIssue(issue);
      if (r.after)
        for (const issue of noRefIssues(r.after.where, ['after', 'where'])) ctx.addIssue(issue);
    }),
  z
    .strictObject({
      type: z.literal('funnel'),
      steps: z.array(z.strictObject(eventMatch)).min(2).max(10),
      within: duration,
      startedWithin: duration.optional(),
    })
    .superRefine((r, ctx) => {
      for (const issue of noRefIssues(r.steps[0]?.where, ['steps', 0, 'where']))
        ctx.addIssue(issue);
    }),
  z
    .strictObject({
      type: z.literal('activeDays'),
      within: duration,
      atLeast: count.optional(),
      atMost: count.optional(),
      days: z.enum(ACTIVE_DAY_KINDS).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.atLeast === undefined && r.atMost === undefined) {
        ctx.addIssue({ code: 'custom', path: ['atLeast'], message: 'give atLeast and/or atMost' });
      }
      for (const issue of countIssues(r)) ctx.addIssue(issue);
    }),
  ...(['firstSeen', 'lastSeen'] as const).map((type) =>
    z
      .strictObject({
        type: z.literal(type),
        within: duration.optional(),
        olderThan: duration.optional(),
      })
      .superRefine((r, ctx) => {
        if (!r.within && !r.olderThan) {
          ctx.addIssue({
            code: 'custom',
            path: ['within'],
            message: 'give within and/or olderThan',
          });
        }
      }),
  ),
  z
    .strictObject({
      type: z.literal('trait'),
      trait: name,
      ...comparison,
      value: comparison.value.optional(),
    })
    .superRefine((r, ctx) => {
      for (const issue of operandIssues(r.op, r.value, false)) ctx.addIssue(issue);
    }),
  z
    .strictObject({
      type: z.literal('context'),
      field: z.enum(CONTEXT_FIELDS),
      ...comparison,
      value: comparison.value.optional(),
    })
    .superRefine((r, ctx) => {
      for (const issue of operandIssues(r.op, r.value, false)) ctx.addIssue(issue);
    }),
  z.strictObject({
    type: z.literal('consent'),
    category: z.enum(CONSENT_CATEGORIES),
    granted: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('inSegment'), segment: name }),
] as const;

export const RuleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('all'), rules: z.array(RuleSchema).min(1).max(50) }),
    z.strictObject({ type: z.literal('any'), rules: z.array(RuleSchema).min(1).max(50) }),
    z.strictObject({ type: z.literal('not'), rule: RuleSchema }),
    ...leaf,
  ]),
) as z.ZodType<Rule>;

export const SEGMENT_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const utmValue = z.string().min(1).max(200);
/** The contract of shared/me-segments.ts: source, medium and campaign are required. */
export const UtmSchema = z.strictObject({
  utm_source: utmValue,
  utm_medium: utmValue,
  utm_campaign: utmValue,
  utm_content: utmValue.optional(),
  utm_term: utmValue.optional(),
});

export const SegmentDefinitionSchema = z.strictObject({
  key: z
    .string()
    .regex(
      SEGMENT_KEY,
      'lowercase letters, digits, "-" and "_", at most 64, starting alphanumeric',
    ),
  name: withoutNul(z.string().min(1).max(200)),
  description: withoutNul(z.string().max(2000)).optional(),
  rule: RuleSchema,
  reentryAfter: duration.optional(),
  utm: UtmSchema.optional(),
}) satisfies z.ZodType<SegmentDefinition>;
