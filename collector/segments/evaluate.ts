import type {
  ActiveDaysRule,
  CountBound,
  EventMatch,
  FunnelRule,
  NotPerformedRule,
  PerformedRule,
  PropertyFilter,
  Rule,
  SeenRule,
} from '../../shared/segment-rules.js';
import { compare, eqKey, readPath } from './compare.js';
import { durationMs } from './duration.js';
import { type FactEvent, isActivity, type ProfileFacts } from './facts.js';

const DAY = 86_400_000;

/**
 * One evaluation: the profile, the time, the segments decided so far (for `inSegment`) and
 * the earliest future moment at which the answer could change with no new event (`wakeAt`),
 * which the engine stores as the profile's `next_check_at`.
 */
export class Evaluation {
  wakeAt: number | null = null;
  private pastActivity?: FactEvent[];
  constructor(
    readonly facts: ProfileFacts,
    readonly now: number,
    readonly memberOf: (segment: string) => boolean = () => false,
  ) {}

  wake(at: number) {
    if (at > this.now && (this.wakeAt === null || at < this.wakeAt)) this.wakeAt = at;
  }

  test(rule: Rule): boolean {
    switch (rule.type) {
      case 'all': {
        let ok = true;
        // No short-circuit: every branch must report when it could flip.
        for (const r of rule.rules) ok = this.test(r) && ok;
        return ok;
      }
      case 'any': {
        let ok = false;
        for (const r of rule.rules) ok = this.test(r) || ok;
        return ok;
      }
      case 'not':
        return !this.test(rule.rule);
      case 'performed':
        return withinBounds(this.countPerformed(rule), rule);
      case 'notPerformed':
        return this.notPerformed(rule);
      case 'funnel':
        return this.funnel(rule);
      case 'activeDays':
        return this.activeDays(rule);
      case 'firstSeen':
      case 'lastSeen':
        return this.seen(rule);
      case 'trait':
        return compare(readPath(this.facts.traits, rule.trait), rule.op, rule.value);
      case 'context':
        return compare(this.facts.context[rule.field], rule.op, rule.value);
      case 'consent': {
        const granted = this.facts.context.consent?.[rule.category] === true;
        return rule.granted === false ? !granted : granted;
      }
      case 'inSegment':
        return this.memberOf(rule.segment);
    }
  }

  /** Events that have happened by now; later ones (imported, skewed) wake us when due. */
  private past(): FactEvent[] {
    const { events } = this.facts;
    let end = events.length;
    while (end > 0 && (events[end - 1] as FactEvent).ts > this.now) {
      this.wake((events[end - 1] as FactEvent).ts);
      end--;
    }
    return end === events.length ? events : events.slice(0, end);
  }

  /** Past `*` events, shared by the activity rules of this evaluation (most rules are). */
  private activity(): FactEvent[] {
    this.pastActivity ??= this.past().filter((e) => isActivity(e.name));
    return this.pastActivity;
  }

  private countPerformed(rule: PerformedRule): number {
    const within = rule.within ? durationMs(rule.within) : undefined;
    const from = rule.between ? durationMs(rule.between.from) : undefined;
    const to = rule.between ? durationMs(rule.between.to) : 0;
    let n = 0;
    for (const e of this.past()) {
      if (!matches(rule, e)) continue;
      const age = this.now - e.ts;
      if (within !== undefined) {
        if (age >= within) continue;
        this.wake(e.ts + within);
      } else if (from !== undefined) {
        if (age > from) continue;
        if (age < to) {
          this.wake(e.ts + to);
          continue;
        }
        this.wake(e.ts + from + 1);
      }
      n++;
    }
    return n;
  }

  private notPerformed(rule: NotPerformedRule): boolean {
    if (!rule.after) return this.countPerformed({ ...rule, type: 'performed' }) === 0;
    const anchor = rule.after;
    const anchorWithin = anchor.within ? durationMs(anchor.within) : undefined;
    const olderThan = anchor.olderThan ? durationMs(anchor.olderThan) : 0;
    const within = rule.within ? durationMs(rule.within) : undefined;
    const events = this.past();
    const followed = followersOf(rule, anchor, events);
    let found = false;
    for (let i = 0; i < events.length; i++) {
      const a = events[i] as FactEvent;
      if (!matches(anchor, a)) continue;
      if (anchorWithin !== undefined) {
        if (this.now - a.ts >= anchorWithin) continue;
        this.wake(a.ts + anchorWithin);
      }
      if (this.now - a.ts < olderThan) {
        this.wake(a.ts + olderThan);
        continue;
      }
      if (followed(i, within === undefined ? Number.POSITIVE_INFINITY : a.ts + within)) continue;
      // Not following within D is known only once D has passed.
      if (within !== undefined && this.now - a.ts < within) {
        this.wake(a.ts + within);
        continue;
      }
      found = true;
    }
    return found;
  }

  private funnel(rule: FunnelRule): boolean {
    const within = durationMs(rule.within);
    const startedWithin = rule.startedWithin ? durationMs(rule.startedWithin) : undefined;
    const events = this.past();
    const { steps } = rule;
    const first = steps[0] as EventMatch;
    /**
     * When steps `k`… can complete at the earliest after event `prev` (which step k's `sameAs`
     * refers to); Infinity when never, or only after `prev` + within, too late for any start.
     * Memoised per (prev, k): trying every combination of matches took exponential time on a
     * profile that repeats the middle steps (seconds for a few hundred events), with the whole
     * engine waiting on it.
     */
    const memo = new Map<number, number>();
    const earliest = (prev: number, k: number): number => {
      const key = prev * steps.length + k;
      let at = memo.get(key);
      if (at !== undefined) return at;
      at = Number.POSITIVE_INFINITY;
      const late = (events[prev] as FactEvent).ts + within;
      for (let j = prev + 1; j < events.length; j++) {
        const e = events[j] as FactEvent;
        // Oldest first: no later match completes sooner.
        if (e.ts >= at || e.ts > late) break;
        if (!matches(steps[k] as EventMatch, e, events[prev])) continue;
        at = Math.min(at, k === steps.length - 1 ? e.ts : earliest(j, k + 1));
      }
      memo.set(key, at);
      return at;
    };
    let found = false;
    for (let i = 0; i < events.length && !found; i++) {
      const start = events[i] as FactEvent;
      if (!matches(first, start)) continue;
      if (startedWithin !== undefined) {
        if (this.now - start.ts >= startedWithin) continue;
        this.wake(start.ts + startedWithin);
      }
      found = earliest(i, 1) <= start.ts + within;
    }
    if (found && startedWithin !== undefined) {
      // A later start could keep the funnel true after this one ages out: check again then.
      for (const e of events) if (matches(first, e)) this.wake(e.ts + startedWithin);
    }
    return found;
  }

  private activeDays(rule: ActiveDaysRule): boolean {
    const within = durationMs(rule.within);
    const only = rule.days === 'weekends' || rule.days === 'weekdays' ? rule.days : undefined;
    let days = 0;
    let lastDay = Number.NaN;
    // Oldest first, so events of one day are adjacent: counting changes of day counts days.
    for (const e of this.activity()) {
      if (this.now - e.ts >= within) continue;
      const day = Math.floor(e.ts / DAY);
      if (only && (only === 'weekends') !== isWeekend(day)) continue;
      this.wake(e.ts + within);
      if (day !== lastDay) {
        days++;
        lastDay = day;
      }
    }
    return withinBounds(days, rule);
  }

  private seen(rule: SeenRule): boolean {
    let at: number | undefined;
    for (const e of this.activity()) {
      if (rule.type === 'firstSeen') {
        at = e.ts;
        break;
      }
      at = e.ts;
    }
    if (at === undefined) return false;
    let ok = true;
    if (rule.within) {
      const w = durationMs(rule.within);
      this.wake(at + w);
      ok = this.now - at < w;
    }
    if (rule.olderThan) {
      const o = durationMs(rule.olderThan);
      this.wake(at + o);
      ok = ok && this.now - at >= o;
    }
    return ok;
  }
}

/**
 * For `notPerformed.after`: whether the anchor `events[i]` is followed, before `until`, by an
 * event matching `m` (its `sameAs` filters referring to the anchor). Scanning the events after
 * each anchor is quadratic: a visitor sending 20,000 AddToCart events of distinct carts held
 * cart-abandoners' evaluation of that profile for 1.7 s, every time it was evaluated. When every
 * `sameAs` filter is `eq` (cart abandoners' `cart_id`) one backward pass finds each anchor's
 * first follower by the values it refers to; other operators still scan.
 */
function followersOf(m: EventMatch, anchor: EventMatch, events: FactEvent[]) {
  const refs = m.where?.filter((f) => f.sameAs !== undefined) ?? [];
  if (refs.some((f) => f.op !== 'eq')) {
    return (i: number, until: number) => {
      for (let j = i + 1; j < events.length; j++) {
        const x = events[j] as FactEvent;
        if (x.ts >= until) return false;
        if (matches(m, x, events[i])) return true;
      }
      return false;
    };
  }
  const plain: EventMatch = { event: m.event, where: m.where?.filter((f) => !f.sameAs) };
  const keyOf = (e: FactEvent, path: (f: PropertyFilter) => string) => {
    const keys = refs.map((f) => eqKey(readPath(e.props, path(f))));
    return keys.includes(undefined) ? undefined : JSON.stringify(keys);
  };
  const first = new Int32Array(events.length).fill(-1);
  const nextByKey = new Map<string, number>();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as FactEvent;
    if (matches(anchor, e)) {
      const key = keyOf(e, (f) => f.sameAs as string);
      if (key !== undefined) first[i] = nextByKey.get(key) ?? -1;
    }
    if (matches(plain, e)) {
      const key = keyOf(e, (f) => f.property);
      if (key !== undefined) nextByKey.set(key, i);
    }
  }
  return (i: number, until: number) => {
    const j = first[i] as number;
    return j >= 0 && (events[j] as FactEvent).ts < until;
  };
}

/** 1970-01-01 was a Thursday. */
function isWeekend(day: number): boolean {
  const dow = (day + 4) % 7;
  return dow === 0 || dow === 6;
}

function withinBounds(n: number, b: CountBound): boolean {
  if (b.exactly !== undefined) return n === b.exactly;
  if (b.atLeast === undefined && b.atMost === undefined) return n >= 1;
  return (b.atLeast === undefined || n >= b.atLeast) && (b.atMost === undefined || n <= b.atMost);
}

/** Does `e` match the event name(s) and filters; `ref` is the event `sameAs` refers to. */
export function matches(m: EventMatch, e: FactEvent, ref?: FactEvent): boolean {
  const names = m.event;
  const nameOk =
    typeof names === 'string'
      ? names === e.name || (names === '*' && isActivity(e.name))
      : names.includes(e.name) || (names.includes('*') && isActivity(e.name));
  if (!nameOk) return false;
  if (!m.where) return true;
  for (const f of m.where) {
    const actual = readPath(e.props, f.property);
    if (f.sameAs !== undefined) {
      const expected = ref ? readPath(ref.props, f.sameAs) : undefined;
      if (expected === undefined || expected === null) return false;
      if (!compare(actual, f.op, expected)) return false;
    } else if (!compare(actual, f.op, f.value)) return false;
  }
  return true;
}
