import { describe, expect, it } from 'vitest';
import { RuleSchema, SegmentDefinitionSchema } from '../../../collector/segments/rule-schema.js';
import { BUILT_IN_SEGMENTS } from '../../../collector/segments/templates.js';

const issues = (value: unknown) => {
  const r = RuleSchema.safeParse(value);
  if (r.success) throw new Error('expected the rule to be rejected');
  return r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('rule schema', () => {
  it('accepts every built-in template', () => {
    for (const def of BUILT_IN_SEGMENTS) expect(SegmentDefinitionSchema.parse(def)).toEqual(def);
  });

  it('accepts nested and/or/not, funnels with sameAs and segment references', () => {
    const rule = {
      type: 'all',
      rules: [
        {
          type: 'funnel',
          steps: [
            { event: 'AddToCart' },
            { event: 'Purchase', where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }] },
          ],
          within: '1d',
        },
        { type: 'not', rule: { type: 'inSegment', segment: 'vip' } },
        { type: 'performed', event: 'Search', atLeast: 2, between: { from: '10d', to: '3d' } },
        { type: 'consent', category: 'marketing' },
        { type: 'context', field: 'utmSource', op: 'in', value: ['google', 'tiktok'] },
      ],
    };
    expect(RuleSchema.parse(rule)).toEqual(rule);
  });

  it('names the unknown rule type', () => {
    expect(issues({ type: 'performd', event: 'X' })[0]?.path).toBe('type');
  });

  it('points at a malformed duration', () => {
    expect(issues({ type: 'performed', event: 'X', within: '30 days' })).toEqual([
      { path: 'within', message: 'must be a duration like "30s", "30m", "1h", "30d" or "2w"' },
    ]);
  });

  it('rejects unknown keys (typos) by name', () => {
    expect(issues({ type: 'performed', event: 'X', whithin: '1d' })[0]?.message).toContain(
      'whithin',
    );
  });

  it('checks operands of operators', () => {
    expect(
      issues({ type: 'performed', event: 'X', where: [{ property: 'p', op: 'in', value: 'a' }] }),
    ).toEqual([{ path: 'where.0.value', message: '"in" takes a list of values' }]);
    expect(issues({ type: 'trait', trait: 'plan', op: 'eq' })).toEqual([
      { path: 'value', message: '"eq" needs a value' },
    ]);
    expect(issues({ type: 'trait', trait: 'plan', op: 'exists', value: 1 })).toEqual([
      { path: 'value', message: '"exists" takes no value' },
    ]);
  });

  it('refuses sameAs where there is no event to refer to', () => {
    const [issue] = issues({
      type: 'performed',
      event: 'Purchase',
      where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }],
    });
    expect(issue?.path).toBe('where.0.sameAs');
  });

  it('checks count bounds and windows', () => {
    expect(issues({ type: 'performed', event: 'X', exactly: 2, atLeast: 1 })).toEqual([
      { path: 'exactly', message: 'exactly cannot be combined with atLeast/atMost' },
    ]);
    expect(issues({ type: 'performed', event: 'X', atLeast: 3, atMost: 1 })[0]?.path).toBe(
      'atMost',
    );
    expect(
      issues({ type: 'performed', event: 'X', between: { from: '3d', to: '10d' } })[0]?.path,
    ).toBe('between.from');
    expect(issues({ type: 'activeDays', within: '30d' })[0]?.path).toBe('atLeast');
    expect(issues({ type: 'funnel', steps: [{ event: 'A' }], within: '1d' })[0]?.path).toBe(
      'steps',
    );
  });

  it('reports a nested error with its full path', () => {
    const found = issues({
      type: 'any',
      rules: [{ type: 'not', rule: { type: 'consent', category: 'ads' } }],
    });
    expect(found[0]?.path).toBe('rules.0.rule.category');
  });

  it('validates segment keys', () => {
    const r = SegmentDefinitionSchema.safeParse({
      key: 'Bad Key',
      name: 'x',
      rule: { type: 'firstSeen', within: '7d' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['key']);
  });
});
