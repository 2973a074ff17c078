import type { ContextField } from '../../shared/segment-rules.js';
import type { ContextFacts } from './facts.js';

/**
 * Context facts that change together. Language is derived from the locale. A campaign is
 * source + medium + name: an event with a campaign replaces all three, so a profile never
 * mixes the source of one campaign with the name of another.
 */
const GROUPS = {
  deviceType: ['deviceType'],
  os: ['os'],
  browser: ['browser'],
  locale: ['locale', 'language'],
  campaign: ['utmSource', 'utmMedium', 'utmCampaign'],
  consent: ['consent'],
} as const satisfies Record<string, readonly (ContextField | 'consent')[]>;

type Group = keyof typeof GROUPS;
type Field = (typeof GROUPS)[Group][number];
/** Event time, then seq: the order in which a later value replaces an earlier one. */
type Stamp = [ts: number, seq: number];

const GROUP_NAMES = Object.keys(GROUPS) as Group[];
/** Canonical field order, so equal contexts are equal JSON (summaries equal a rebuild). */
const FIELD_ORDER = GROUP_NAMES.flatMap((g) => GROUPS[g]) as Field[];

const later = (ts: number, seq: number, b: Stamp | undefined) =>
  !b || ts > b[0] || (ts === b[0] && seq > b[1]);

/** The groups an event's facts carry; facts come from a cache, so this is once per context. */
const carriedBy = new WeakMap<ContextFacts, Group[]>();
function carried(event: ContextFacts): Group[] {
  let groups = carriedBy.get(event);
  if (!groups) {
    groups = GROUP_NAMES.filter((g) => GROUPS[g].some((f) => event[f] !== undefined));
    carriedBy.set(event, groups);
  }
  return groups;
}

/**
 * A profile's latest known context: per group of fields, the value of the latest event (by
 * event time, then seq) that carries it, with that event's stamp. Taking the later stamp per
 * group is order-free, so appending back-dated events, merging summaries and a rebuild from
 * events in seq order all agree. Stored as two JSON strings (facts, stamps), parsed only
 * when an event is folded in.
 */
export class KnownContext {
  private facts: Record<string, unknown> | undefined;
  private stamps: Partial<Record<Group, Stamp>> = {};
  private dirty = false;

  constructor(
    private factsJson = '',
    private stampsJson = '',
  ) {}

  private open(): Record<string, unknown> {
    if (!this.facts) {
      this.facts = this.factsJson ? JSON.parse(this.factsJson) : {};
      this.stamps = this.stampsJson ? JSON.parse(this.stampsJson) : {};
    }
    return this.facts as Record<string, unknown>;
  }

  /** Folds in one group's value (fields absent from `from` are cleared) if it is later. */
  private take(group: Group, from: Readonly<Record<string, unknown>>, ts: number, seq: number) {
    const facts = this.open();
    if (!later(ts, seq, this.stamps[group])) return;
    this.stamps[group] = [ts, seq];
    // Assigning undefined, not deleting: serialize skips it, and the object stays fast.
    for (const field of GROUPS[group]) facts[field] = from[field];
    this.dirty = true;
  }

  /** Folds in one event's context facts. */
  add(event: ContextFacts, ts: number, seq: number) {
    for (const group of carried(event)) this.take(group, event, ts, seq);
  }

  /** Takes every group `other` knows later (an anonymous profile merging into its user). */
  merge(other: KnownContext) {
    const from = other.open();
    for (const group of GROUP_NAMES) {
      const at = other.stamps[group];
      if (at) this.take(group, from, at[0], at[1]);
    }
  }

  /** Forgets values of events before `cutoff` (retention deleted them). */
  pruneBefore(cutoff: number) {
    const facts = this.open();
    for (const group of GROUP_NAMES) {
      const at = this.stamps[group];
      if (!at || at[0] >= cutoff) continue;
      this.stamps[group] = undefined;
      for (const field of GROUPS[group]) facts[field] = undefined;
      this.dirty = true;
    }
  }

  private serialize() {
    if (!this.dirty) return;
    const facts = this.facts as Record<string, unknown>;
    const ordered: Record<string, unknown> = {};
    for (const field of FIELD_ORDER) if (facts[field] !== undefined) ordered[field] = facts[field];
    const stamps: Partial<Record<Group, Stamp>> = {};
    let any = false;
    for (const group of GROUP_NAMES) {
      const at = this.stamps[group];
      if (at) [stamps[group], any] = [at, true];
    }
    // Nothing known is '' either way, as in a summary no event ever set.
    this.factsJson = any ? JSON.stringify(ordered) : '';
    this.stampsJson = any ? JSON.stringify(stamps) : '';
    this.dirty = false;
  }

  /** ContextFacts JSON ('' when never set). */
  get json(): string {
    this.serialize();
    return this.factsJson;
  }

  /** Per group, [event time, seq] of the event its value came from, JSON. */
  get stampsText(): string {
    this.serialize();
    return this.stampsJson;
  }
}
