import type { Rule } from '../../shared/segment-rules.js';
import { Evaluation } from './evaluate.js';
import type { ProfileFacts } from './facts.js';

export interface CompiledSegment {
  key: string;
  rule: Rule;
  /** Cool-down after an exit before the profile may enter again. */
  reentryAfterMs?: number;
}

/** What the store knows of a profile's memberships before this evaluation. */
export interface MembershipState {
  /** Keys of the segments the profile is in. */
  current: readonly string[];
  lastExitAt: { get(key: string): number | undefined };
}

export interface ProfileDecision {
  members: Set<string>;
  nextCheckAt: number | null;
}

/**
 * Decides all segments of a source for one profile. `segments` come in dependency order
 * (see `orderByDependencies`) so `inSegment` sees this evaluation's answers.
 */
export function decideProfile(
  facts: ProfileFacts,
  segments: readonly CompiledSegment[],
  state: MembershipState,
  now: number,
): ProfileDecision {
  const members = new Set<string>();
  const evaluation = new Evaluation(facts, now, (key) => members.has(key));
  for (const segment of segments) {
    const matched = evaluation.test(segment.rule);
    if (!matched) continue;
    const exitedAt = state.lastExitAt.get(segment.key);
    const cooling =
      !state.current.includes(segment.key) &&
      segment.reentryAfterMs !== undefined &&
      exitedAt !== undefined &&
      now < exitedAt + segment.reentryAfterMs;
    if (cooling) evaluation.wake(exitedAt + (segment.reentryAfterMs as number));
    else members.add(segment.key);
  }
  return { members, nextCheckAt: evaluation.wakeAt };
}

/** Segments entered and exited between what was and what is; only real flips. */
export function diffMemberships<T extends CompiledSegment>(
  segments: readonly T[],
  before: MembershipState['current'],
  after: ReadonlySet<string>,
) {
  const entered: T[] = [];
  const exited: T[] = [];
  for (const segment of segments) {
    const was = before.includes(segment.key);
    if (was !== after.has(segment.key)) (was ? exited : entered).push(segment);
  }
  return { entered, exited };
}
