import { describe, expect, it } from 'vitest';
import {
  applyAction,
  draftToRule,
  formToDraft,
  ruleToDraft,
} from '../../collector/dashboard/rule-form.js';
import { RuleSchema } from '../../collector/segments/rule-schema.js';
import { BUILT_IN_SEGMENTS } from '../../collector/segments/templates.js';
import type { Rule } from '../../shared/segment-rules.js';

describe('rule editor form model', () => {
  it('shows every built-in template in the form and gives back the same rule', () => {
    for (const { key, rule } of BUILT_IN_SEGMENTS) {
      const draft = ruleToDraft(rule);
      expect(draft, key).toBeDefined();
      expect(draftToRule(draft as NonNullable<typeof draft>), key).toEqual(rule);
    }
  });

  it('reads the posted fields of conditions, filters and anchor filters into a valid rule', () => {
    const draft = formToDraft({
      match: 'any',
      'c0.type': 'performed',
      'c0.event': 'AddToCart, InitiateCheckout',
      'c0.count': 'atLeast',
      'c0.n': '2',
      'c0.window': 'within',
      'c0.within': '7d',
      'c0.f0.property': 'value',
      'c0.f0.op': 'gte',
      'c0.f0.value': '50',
      'c0.f1.property': 'currency',
      'c0.f1.op': 'in',
      'c0.f1.value': 'EUR, USD',
      'c1.type': 'inSegment',
      'c1.negate': 'on',
      'c1.segment': 'dormant',
      'c2.type': 'notPerformed',
      'c2.event': 'Purchase',
      'c2.f0.property': 'cart_id',
      'c2.f0.op': 'eq',
      'c2.f0.sameAs': 'cart_id',
      'c2.afterEvent': 'AddToCart',
      'c2.afterOlderThan': '1h',
      'c2.af0.property': 'cart_id',
      'c2.af0.op': 'exists',
      _csrf: 'ignored',
    });
    const rule = draftToRule(draft);
    expect(rule).toEqual({
      type: 'any',
      rules: [
        {
          type: 'performed',
          event: ['AddToCart', 'InitiateCheckout'],
          where: [
            { property: 'value', op: 'gte', value: 50 },
            { property: 'currency', op: 'in', value: ['EUR', 'USD'] },
          ],
          atLeast: 2,
          within: '7d',
        },
        { type: 'not', rule: { type: 'inSegment', segment: 'dormant' } },
        {
          type: 'notPerformed',
          event: 'Purchase',
          where: [{ property: 'cart_id', op: 'eq', sameAs: 'cart_id' }],
          after: {
            event: 'AddToCart',
            where: [{ property: 'cart_id', op: 'exists' }],
            olderThan: '1h',
          },
        },
      ],
    });
    expect(RuleSchema.safeParse(rule).success).toBe(true);
  });

  it('leaves bad input for the schema to report instead of guessing', () => {
    const rule = draftToRule(formToDraft({ 'c0.type': 'activeDays', 'c0.within': 'soon' }));
    const parsed = RuleSchema.safeParse(rule);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message).join(' ')).toMatch(/duration|atLeast/);
  });

  it('sends rules nested deeper than the form to the JSON editor', () => {
    const nested: Rule = {
      type: 'all',
      rules: [{ type: 'any', rules: [{ type: 'firstSeen', within: '7d' }] }],
    };
    expect(ruleToDraft(nested)).toBeUndefined();
    expect(ruleToDraft({ type: 'not', rule: { type: 'not', rule: nested } })).toBeUndefined();
  });

  it('adds and removes conditions and filters', () => {
    let draft = formToDraft({
      'c0.type': 'trait',
      'c0.trait': 'plan',
      'c0.op': 'eq',
      'c0.value': 'pro',
    });
    draft = applyAction(draft, 'add');
    draft = applyAction(draft, 'addFilter:1');
    draft = applyAction(draft, 'addFilter:1');
    draft = applyAction(draft, 'removeFilter:1:0');
    expect(draft.conditions).toHaveLength(2);
    expect(draft.conditions[1]?.filters).toHaveLength(1);
    draft = applyAction(draft, 'remove:0');
    expect(draft.conditions.map((c) => c.type)).toEqual(['performed']);
    expect(applyAction(draft, 'remove:9')).toEqual(draft);
  });
});
