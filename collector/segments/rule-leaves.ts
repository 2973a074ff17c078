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

/** Every event match in a rule (performed, notPerformed and its anchor, funnel steps). */
export function eventMatchesOf(rule: Rule): EventMatch[] {
  return leavesOf(rule).flatMap((r): EventMatch[] => {
    if (r.type === 'performed') return [r];
    if (r.type === 'notPerformed') return r.after ? [r, r.after] : [r];
    if (r.type === 'funnel') return r.steps;
    return [];
  });
}
