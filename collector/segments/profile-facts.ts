import type { Rule } from '../../shared/segment-rules.js';
import type { ContextFacts, FactEvent, ProfileFacts } from './facts.js';
import { KnownContext } from './known-context.js';
import { leavesOf, propsReadingMatchesOf } from './rule-leaves.js';

/**
 * A profile's facts summary (table profile_facts): its events as rules see them, oldest
 * first, and its latest known context facts (known-context.ts). The engine appends each
 * catch-up's events to it, so neither catch-up nor recompute re-reads a profile's raw history.
 *
 * Packing: every field of every event ended by \x1f (name, time, props JSON, traits JSON;
 * '' for props and traits not kept). Reading packed strings is far cheaper than reading
 * rows one by one through the driver; JSON text never holds raw control characters.
 */
export const US = '\x1f';
const FIELDS = 4;

/** Event names whose properties some rule reads; `true` when a `*` match has filters. */
export type PropsNeeded = Set<string> | true;

/** What summaries keep besides names and times: props of some events, identify traits. */
export interface Coverage {
  props: PropsNeeded;
  traits: boolean;
}

export function propsNeeded(rules: Rule[]): PropsNeeded {
  const names = new Set<string>();
  for (const m of rules.flatMap(propsReadingMatchesOf)) {
    for (const name of typeof m.event === 'string' ? [m.event] : m.event) {
      if (name === '*') return true;
      names.add(name);
    }
  }
  return names;
}

export function coverageOf(rules: Rule[]): Coverage {
  return {
    props: propsNeeded(rules),
    traits: rules.some((r) => leavesOf(r).some((l) => l.type === 'trait')),
  };
}

/** Does a summary built with `built` hold everything `needed` reads? */
export function covers(built: Coverage, needed: Coverage): boolean {
  if (needed.traits && !built.traits) return false;
  if (built.props === true) return true;
  if (needed.props === true) return false;
  for (const name of needed.props) if (!built.props.has(name)) return false;
  return true;
}

export function unionCoverage(a: Coverage, b: Coverage): Coverage {
  return {
    props: a.props === true || b.props === true ? true : new Set([...a.props, ...b.props]),
    traits: a.traits || b.traits,
  };
}

export function keepsProps(coverage: Coverage, name: string): boolean {
  return coverage.props === true || coverage.props.has(name);
}

export const coverageJson = (c: Coverage) =>
  JSON.stringify({ props: c.props === true ? '*' : [...c.props].sort(), traits: c.traits });

export function parseCoverage(json: string): Coverage {
  const c = JSON.parse(json) as { props: '*' | string[]; traits: boolean };
  return { props: c.props === '*' ? true : new Set(c.props), traits: c.traits };
}

/** One summarised event; props are parsed only when a rule reads them. */
export class SummaryEvent implements FactEvent {
  private parsed: Record<string, unknown> | null | undefined = undefined;
  constructor(
    readonly name: string,
    readonly ts: number,
    /** Properties JSON, '' when not kept. */
    readonly rawProps: string,
    /** Identify traits JSON, '' when none or not kept. */
    readonly rawTraits: string,
  ) {}

  get props(): Record<string, unknown> | null {
    if (this.parsed !== undefined) return this.parsed;
    const parsed = this.rawProps ? (JSON.parse(this.rawProps) as Record<string, unknown>) : null;
    this.parsed = parsed;
    return parsed;
  }
}

export interface Summary {
  events: SummaryEvent[];
  /** Latest known value of each context field (by event time, then seq). */
  context: KnownContext;
  latestTs: number;
  latestSeq: number;
  /** Erasure removed events folded into it: rebuild from events before use. */
  stale: boolean;
}

export const emptySummary = (): Summary => ({
  events: [],
  context: new KnownContext(),
  latestTs: Number.NEGATIVE_INFINITY,
  latestSeq: 0,
  stale: false,
});

/** Adds an event with its context facts. */
export function addEvent(s: Summary, e: SummaryEvent, seq: number, context: ContextFacts) {
  s.events.push(e);
  s.context.add(context, e.ts, seq);
  if (e.ts > s.latestTs || (e.ts === s.latestTs && seq > s.latestSeq)) {
    s.latestTs = e.ts;
    s.latestSeq = seq;
  }
}

/** `into` takes `from`'s events and its later context facts (an anonymous visitor's merge). */
export function mergeSummary(into: Summary, from: Summary) {
  for (const e of from.events) into.events.push(e);
  into.context.merge(from.context);
  if (
    from.latestTs > into.latestTs ||
    (from.latestTs === into.latestTs && from.latestSeq > into.latestSeq)
  ) {
    into.latestTs = from.latestTs;
    into.latestSeq = from.latestSeq;
  }
}

function sortByTime(events: SummaryEvent[]) {
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as SummaryEvent).ts < (events[i - 1] as SummaryEvent).ts) {
      events.sort((a, b) => a.ts - b.ts);
      return;
    }
  }
}

/** Drops events older than `cutoff` (retention); false when nothing changed. */
export function pruneBefore(s: Summary, cutoff: number): boolean {
  const kept = s.events.filter((e) => e.ts >= cutoff);
  if (kept.length === s.events.length) return false;
  s.events = kept;
  s.context.pruneBefore(cutoff);
  return true;
}

export function packEvents(events: SummaryEvent[]): string {
  sortByTime(events);
  let out = '';
  for (const e of events) out += `${e.name}${US}${e.ts}${US}${e.rawProps}${US}${e.rawTraits}${US}`;
  return out;
}

/** Values of one profile_facts row after its id: see summaryStatements in facts-store.ts. */
export function summaryValues(s: Summary) {
  const packed = packEvents(s.events);
  const first = s.events[0];
  return [
    s.events.length,
    first ? first.ts : null,
    first ? s.latestTs : null,
    first ? s.latestSeq : null,
    s.context.json || null,
    s.context.stampsText || null,
    packed,
  ];
}

/**
 * Summaries from one packed string of rows, each `profile_id, stale, event_count, latest_ts,
 * latest_seq, context, context_at` then its packed events, every field ended by \x1f.
 */
export function parseSummaries(packed: string, into = new Map<string, Summary>()) {
  if (!packed) return into;
  const f = packed.split(US);
  let i = 0;
  while (i + 7 <= f.length) {
    const id = f[i] as string;
    const count = Number(f[i + 2]);
    const events: SummaryEvent[] = new Array(count);
    let at = i + 7;
    for (let n = 0; n < count; n++, at += FIELDS) {
      events[n] = new SummaryEvent(
        f[at] as string,
        Number(f[at + 1]),
        f[at + 2] as string,
        f[at + 3] as string,
      );
    }
    into.set(id, {
      events,
      context: new KnownContext(f[i + 5] as string, f[i + 6] as string),
      latestTs: f[i + 3] ? Number(f[i + 3]) : Number.NEGATIVE_INFINITY,
      latestSeq: Number(f[i + 4]),
      stale: f[i + 1] === '1',
    });
    i = at;
  }
  return into;
}

/** Parsed context facts by their JSON: most profiles share a few contexts. Never mutated. */
const contexts = new Map<string, ContextFacts>();

function contextOf(json: string): ContextFacts {
  let c = contexts.get(json);
  if (!c) {
    if (contexts.size >= 10_000) contexts.clear();
    c = Object.freeze(json ? (JSON.parse(json) as ContextFacts) : {});
    contexts.set(json, c);
  }
  return c;
}

const NO_TRAITS: Record<string, unknown> = Object.freeze({});

/** What the evaluator reads: events by time, traits merged oldest first, known context. */
export function toFacts(s: Summary): ProfileFacts {
  sortByTime(s.events);
  let traits = NO_TRAITS;
  for (const e of s.events) {
    if (e.rawTraits)
      traits = Object.assign(traits === NO_TRAITS ? {} : traits, JSON.parse(e.rawTraits));
  }
  return { events: s.events, traits, context: contextOf(s.context.json) };
}
