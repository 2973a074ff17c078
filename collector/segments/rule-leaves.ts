import type { EventMatch, Rule } from '../../shared/segment-rules.js';

type Leaf = Exclude<Rule, { type: 'all' | 'any' | 'not' }>;

/** The conditions of a rule with the and/or/not structure removed. */
export function leavesOf(rule: Rule): Leaf[] {
  if (rule.type === 'all' || rule.type === 'any') return rule.rules.flatMap(leavesOf);
  if (rule.type === 'not') return leavesOf(rule.rule);
  return [rule];
}

/** Segment keys a rule refers to with `inSegment` (for dependency order and cycle checks). */
export function referencedSegments(rule: Rule): string[] {
  return leavesOf(rule).flatMap((r) => (r.type === 'inSegment' ? [r.segment] : []));
}

const filtered = (m: EventMatch) => (m.where?.length ?? 0) > 0;
const usesSameAs = (m?: EventMatch) => m?.where?.some((f) => f.sameAs !== undefined) === true;

/**
 * Event matches whose events' properties a rule reads: those with filters, and those a
 * `sameAs` refers to (the anchor of `notPerformed.after`, the funnel step before), which
 * often have no filter of their own.
 */
export function propsReadingMatchesOf(rule: Rule): EventMatch[] {
  return leavesOf(rule).flatMap((r): EventMatch[] => {
    if (r.type === 'performed') return [r].filter(filtered);
    if (r.type === 'notPerformed') {
      const anchor = r.after && (filtered(r.after) || usesSameAs(r)) ? [r.after] : [];
      return [...[r].filter(filtered), ...anchor];
    }
    if (r.type === 'funnel') {
      return r.steps.filter((s, i) => filtered(s) || usesSameAs(r.steps[i + 1]));
    }
    return [];
  });
}
