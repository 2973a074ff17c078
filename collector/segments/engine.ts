import type { Client, InStatement } from '@libsql/client';
import type { Rule } from '../../shared/segment-rules.js';
import { stackOf } from '../errors.js';
import type { Logger } from '../log.js';
import { appendEvents, type BatchEvent, readBatch } from './catch-up-batch.js';
import { orderByDependencies } from './dependencies.js';
import { Evaluation } from './evaluate.js';
import type { ProfileFacts } from './facts.js';
import {
  clearStatements,
  coverageStatement,
  loadCoverage,
  readSummaries,
  scanSummaries,
  summaryCount,
  summaryStatements,
} from './facts-store.js';
import { IdentityMap, profileOf, splitProfileId, unlinkStatement } from './identity.js';
import { collectAllFacts, collectProfileFacts, FactsCollector } from './load-facts.js';
import { decideProfile, diffMemberships } from './membership.js';
import {
  deleteSegmentData,
  type Flip,
  flipStatements,
  forgetProfilesStatement,
  loadSourceStates,
  loadStates,
  type MembershipStates,
  recheckStatement,
} from './membership-store.js';
import {
  type Coverage,
  coverageOf,
  covers,
  emptySummary,
  mergeSummary,
  pruneBefore,
  type Summary,
  toFacts,
  unionCoverage,
} from './profile-facts.js';
import { type CompiledRow, compile, type SegmentStore } from './segment-store.js';
import type { WebhookSender } from './webhooks.js';

export interface EngineOptions {
  client: Client;
  store: SegmentStore;
  now: () => number;
  log: Logger;
  /** Sweep period for time-based flips; 0 disables the timer (tests call sweep()). */
  sweepEveryMs?: number;
  /** Sends enter/exit webhooks; the sweep timer also delivers due ones. */
  webhooks?: WebhookSender;
  /**
   * Least time between two catch-ups after commits (default 250 ms). Under load many
   * commits then share one catch-up, so a busy profile is evaluated once per interval
   * instead of once per commit; membership still follows within well under a second.
   */
  catchUpEveryMs?: number;
  /**
   * Under load, the pause after a commit-triggered catch-up is at least this many times
   * the catch-up's own duration (default 2), so catch-ups never take most of the main
   * thread from ingestion. Membership then lags further only while the load lasts.
   */
  catchUpPauseRatio?: number;
  /**
   * The pause ratio instead while ingest is busy (a commit since the last catch-up said so,
   * see `onCommit` in start.ts; default 9): acknowledgements wait for commits, which compete
   * with catch-ups for the write lock and the CPU. At max load the ingest bench gained 12-25%
   * events/s at 20 events/request and ~17% requests/s at 1 (paired runs) over ratio 1; the
   * engine's backlog then grows during the burst and is cleared after it at full speed.
   */
  backloggedPauseRatio?: number;
  /**
   * Time this engine's connection has waited for the file's write lock so far (engine thread):
   * not its own work, so it does not lengthen the pauses, which grow with the work.
   */
  lockWaitMs?: () => number;
}

interface SourceRules {
  segments: CompiledRow[];
  coverage: Coverage;
}

interface NewLink {
  anonymousId: string;
  userId: string;
}

export const WATERMARK = 'segments:watermark';
const BATCH = 5000;
/**
 * Events per catch-up transaction, which holds the file's write lock while it commits: ingest
 * commits wait behind it. 5,000 stalled ingestion for 30–40 ms. At 20 events/request half load
 * (after a burst, as in the ingest bench) p99 was 17–33 ms (median ~21, 8 runs) with 500 and
 * 12–24 ms (median ~17, 11 runs) with 150–250, while a backlog took ~12% longer to clear.
 */
const CATCH_UP_TX = 200;
/** Profiles whose summaries load and evaluate in one go, with a yield between slices. */
const EVALUATE_SLICE = 1000;
/** Summaries per read of a full recompute. */
const SCAN_CHUNK = 2000;
const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Whether a profile's stored next check must be rewritten. A check earlier than needed only
 * costs a spare evaluation (which then stores the right one), so a still-future check stays
 * when the new one is later or none: a new event mostly pushes the next check later, and
 * skipping that write (a random row and index update per profile) halves a catch-up's writes.
 * Unseen profiles (undefined) are always written.
 */
function checkMoves(stored: number | null | undefined, next: number | null, now: number) {
  if (typeof stored !== 'number' || stored <= now) return stored !== next;
  return next !== null && next < stored;
}

/**
 * Flips and next checks to store of loaded profiles (no I/O), and the profiles to forget:
 * those left without events (retention pruned them all). They leave every segment (reason
 * `retention`), also one whose rule a profile without events would meet (did not perform…,
 * not…), and their evaluation state goes: nothing known of them is kept. A later event starts
 * them afresh.
 */
function decideAll(
  segments: CompiledRow[],
  ids: string[],
  factsOf: (profileId: string) => ProfileFacts,
  states: MembershipStates,
  at: number,
) {
  const flips: Flip[] = [];
  const checks: [string, number | null][] = [];
  const forgotten: string[] = [];
  for (const profileId of ids) {
    const state = states.stateOf(profileId);
    const facts = factsOf(profileId);
    if (facts.events.length === 0) {
      for (const segment of diffMemberships(segments, state.current, new Set()).exited)
        flips.push({ segment, profileId, kind: 'exit', reason: 'retention' });
      forgotten.push(profileId);
      continue;
    }
    const decision = decideProfile(facts, segments, state, at);
    const { entered, exited } = diffMemberships(segments, state.current, decision.members);
    for (const segment of entered)
      flips.push({ segment, profileId, kind: 'enter', reason: 'rule' });
    for (const segment of exited) flips.push({ segment, profileId, kind: 'exit', reason: 'rule' });
    if (checkMoves(state.nextCheckAt, decision.nextCheckAt, at)) {
      checks.push([profileId, decision.nextCheckAt]);
    }
  }
  return { flips, checks, forgotten };
}

/** Summaries with events are written whole; emptied ones (retention, erasure) are deleted. */
function writeSummaries(sourceId: string, changed: [string, Summary][], deletes: string[] = []) {
  const kept = changed.filter(([, s]) => s.events.length > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  const emptied = changed.filter(([, s]) => s.events.length === 0).map(([id]) => id);
  return summaryStatements(sourceId, kept, [...deletes, ...emptied]);
}

/**
 * The segment engine: re-evaluates profiles touched by newly committed events (watermark
 * on events.seq), profiles whose `next_check_at` is due, and everyone after a rule change.
 * It reads profiles from their facts summaries (profile-facts.ts), which each catch-up
 * extends in the same transaction as the watermark. All work runs one task at a time on a
 * queue, in slices, so ingestion never waits on it; the engine is the summaries' one writer.
 */
export function createSegmentEngine(opts: EngineOptions) {
  const { client, store, now, log } = opts;
  const catchUpEveryMs = opts.catchUpEveryMs ?? 250;
  const catchUpPauseRatio = opts.catchUpPauseRatio ?? 2;
  const backloggedPauseRatio = opts.backloggedPauseRatio ?? 9;
  let lastCatchUp = 0;
  let lastCatchUpMs = 0;
  let catchUpBusyMs = 0;
  let scheduledCatchUp: Promise<void> = Promise.resolve();
  const identities = new Map<string, IdentityMap>();
  const rules = new Map<string, SourceRules>();
  /** What each source's summaries were built with (profile_facts_builds). */
  const built = new Map<string, Coverage>();
  let queue: Promise<unknown> = Promise.resolve();
  let catchUpQueued = false;
  /** A commit came since the last catch-up run began: ingest is active. */
  let commitSeen = false;
  /** One of those commits came while ingest was busy (see backloggedPauseRatio). */
  let backlogSeen = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(() => task());
    queue = run.catch((err) =>
      log('segment engine task failed', { error: String(err?.stack ?? err) }),
    );
    return run;
  }

  async function identitiesOf(sourceId: string) {
    const cached = identities.get(sourceId);
    if (cached) return cached;
    const map = await IdentityMap.load(client, sourceId);
    identities.set(sourceId, map);
    return map;
  }

  /**
   * Membership states of `ids`, where a user also counts the exits of the anonymous profiles
   * merged into it: a re-entry cool-down a visitor started before identify still holds after.
   */
  async function statesOf(sourceId: string, ids: string[], segments: CompiledRow[]) {
    const map = await identitiesOf(sourceId);
    const mergedInto = (id: string) => {
      const { userId } = splitProfileId(id);
      return userId ? map.anonymousIdsOf(userId).map((a) => `a:${a}`) : [];
    };
    const states = await loadStates(
      client,
      sourceId,
      [...ids, ...ids.flatMap(mergedInto)],
      segments,
    );
    for (const id of ids) for (const anon of mergedInto(id)) states.addExitsOf(anon, id);
    return states;
  }

  async function rulesOf(sourceId: string): Promise<SourceRules> {
    let r = rules.get(sourceId);
    if (!r) {
      const segments = orderByDependencies((await store.ofSource(sourceId)).map(compile));
      r = { segments, coverage: coverageOf(segments.map((s) => s.rule)) };
      rules.set(sourceId, r);
    }
    return r;
  }

  async function watermark(): Promise<number> {
    const r = await client.execute({
      sql: 'SELECT value FROM engine_state WHERE name = ?',
      args: [WATERMARK],
    });
    return Number(r.rows[0]?.[0] ?? 0);
  }

  /** Events up to the watermark into summaries; later ones are the next catch-up's. */
  async function rebuild(sourceId: string, coverage: Coverage, profileIds?: string[]) {
    const collector = new FactsCollector(await identitiesOf(sourceId), coverage);
    const upTo = await watermark();
    if (profileIds) {
      await collectProfileFacts(client, sourceId, profileIds, collector, { maxSeq: upTo });
    } else await collectAllFacts(client, sourceId, collector, upTo);
    return collector.profiles;
  }

  /**
   * Rebuilds a source's summaries from events. It forgets the old summaries first and
   * records its coverage last, so a crash halfway means another rebuild.
   */
  async function rebuildSource(sourceId: string, coverage: Coverage) {
    built.delete(sourceId);
    await client.batch(clearStatements(sourceId), 'write');
    const any = await client.execute({
      sql: 'SELECT 1 FROM events WHERE source_id = ? AND seq <= ? LIMIT 1',
      args: [sourceId, await watermark()],
    });
    const all = any.rows.length ? [...(await rebuild(sourceId, coverage))] : [];
    for (let i = 0; i < all.length; i += SCAN_CHUNK) {
      await client.batch(summaryStatements(sourceId, all.slice(i, i + SCAN_CHUNK)), 'write');
      await yieldLoop();
    }
    await client.execute(coverageStatement(sourceId, coverage, now()));
    built.set(sourceId, coverage);
    return all.length;
  }

  /**
   * The coverage of a source's summaries, after rebuilding them if they were never built
   * or miss props (or traits) its rules now read.
   */
  async function summariesOf(sourceId: string): Promise<Coverage> {
    const { coverage } = await rulesOf(sourceId);
    let have = built.get(sourceId);
    if (!have) {
      have = await loadCoverage(client, sourceId);
      if (have) built.set(sourceId, have);
    }
    if (have && covers(have, coverage)) return have;
    await rebuildSource(sourceId, coverage);
    return coverage;
  }

  /**
   * Summaries of `ids` with the anonymous summaries `merged` names folded into their users;
   * stale ones (erasure) rebuilt from events. `changed`: ids whose stored row must be rewritten.
   */
  async function loadSummaries(
    sourceId: string,
    ids: string[],
    coverage: Coverage,
    merged: ReadonlyMap<string, string[]> = new Map(),
    loaded?: Map<string, Summary>,
  ) {
    const anons = ids.flatMap((id) => merged.get(id) ?? []);
    const stored = loaded ?? (await readSummaries(client, sourceId, [...ids, ...anons]));
    const isStale = (id: string) =>
      stored.get(id)?.stale === true || (merged.get(id) ?? []).some((a) => stored.get(a)?.stale);
    const stale = ids.filter(isStale);
    const rebuilt = stale.length ? await rebuild(sourceId, coverage, stale) : undefined;
    const summaries = new Map<string, Summary>();
    const changed = new Set<string>(stale);
    for (const id of ids) {
      if (rebuilt) {
        const fresh = rebuilt.get(id);
        if (fresh || stored.get(id)?.stale) {
          summaries.set(id, fresh ?? emptySummary());
          continue;
        }
      }
      const s = stored.get(id) ?? emptySummary();
      for (const anon of merged.get(id) ?? []) {
        const from = stored.get(anon);
        if (from) mergeSummary(s, from);
        changed.add(id);
      }
      summaries.set(id, s);
    }
    return { summaries, changed, anons };
  }

  /**
   * Evaluates profiles from their summaries (those of `loaded`, else stored ones) and
   * writes their flips, next checks and any summary rebuilt on the way, in one transaction.
   */
  async function decideProfiles(
    sourceId: string,
    ids: string[],
    states: MembershipStates,
    loaded?: Map<string, Summary>,
  ) {
    const coverage = await summariesOf(sourceId);
    const { segments } = await rulesOf(sourceId);
    const { summaries, changed } = await loadSummaries(sourceId, ids, coverage, undefined, loaded);
    const at = now();
    const facts = (id: string) => toFacts(summaries.get(id) as Summary);
    const { flips, checks, forgotten } = decideAll(segments, ids, facts, states, at);
    const rewritten = [...changed].map((id): [string, Summary] => [
      id,
      summaries.get(id) as Summary,
    ]);
    const stmts = [
      ...flipStatements(sourceId, flips, checks, at),
      ...writeSummaries(sourceId, rewritten),
    ];
    if (forgotten.length) stmts.push(forgetProfilesStatement(sourceId, forgotten));
    if (stmts.length) await client.batch(stmts, 'write');
  }

  /** Evaluates the given profiles slice by slice (the sweep). */
  async function evaluateProfiles(sourceId: string, profileIds: string[]) {
    const { segments } = await rulesOf(sourceId);
    for (let i = 0; i < profileIds.length; i += EVALUATE_SLICE) {
      if (i > 0) await yieldLoop();
      const slice = profileIds.slice(i, i + EVALUATE_SLICE);
      await decideProfiles(sourceId, slice, await statesOf(sourceId, slice, segments));
    }
  }

  /**
   * Facts of profiles from their events (all props and traits, every event whatever its
   * consent category: the profile API, which shows what is stored).
   */
  async function factsOf(sourceId: string, profileIds: string[]) {
    const collector = new FactsCollector(await identitiesOf(sourceId), {
      props: true,
      traits: true,
    });
    await collectProfileFacts(client, sourceId, profileIds, collector, { everyEvent: true });
    const out = new Map<string, ProfileFacts>();
    for (const [id, s] of collector.profiles) {
      const facts = toFacts(s);
      // Plain events: from the engine thread they are structured-cloned, which copies no getter
      // (SummaryEvent's props).
      const events = facts.events.map(({ name, ts, props }) => ({ name, ts, props }));
      out.set(id, { ...facts, events });
    }
    return out;
  }

  /** Links anonymous ids to users (first user seen with one wins); new links only. */
  async function linkIdentities(sourceId: string, rows: BatchEvent[]): Promise<NewLink[]> {
    const map = await identitiesOf(sourceId);
    const links: NewLink[] = [];
    for (const row of rows) {
      let anonymousId = row.anonymousId;
      if (row.type === 'alias' && row.previousId) {
        // An alias from another identified user is not a merge: skip it.
        const known = await client.execute({
          sql: 'SELECT 1 FROM events WHERE source_id = ? AND user_id = ? LIMIT 1',
          args: [sourceId, row.previousId],
        });
        anonymousId = known.rows.length ? null : row.previousId;
      }
      if (!row.userId || !anonymousId || map.userOf.has(anonymousId)) continue;
      map.add(anonymousId, row.userId);
      links.push({ anonymousId, userId: row.userId });
    }
    return links;
  }

  /**
   * One source's part of a catch-up, as statements of the catch-up's one transaction: new
   * identity links (an anonymous profile merges into its user: memberships close with reason
   * `merged`, its summary moves over), the new events appended to the touched profiles'
   * summaries, and their flips.
   */
  async function stageSource(sourceId: string, rows: BatchEvent[], stmts: InStatement[]) {
    const coverage = built.get(sourceId) as Coverage;
    const { segments } = await rulesOf(sourceId);
    const links = await linkIdentities(sourceId, rows);
    const map = await identitiesOf(sourceId);
    for (const link of links) {
      stmts.push({
        sql: `INSERT OR IGNORE INTO profile_links (source_id, anonymous_id, user_id, linked_at)
          VALUES (?, ?, ?, ?)`,
        args: [sourceId, link.anonymousId, link.userId, now()],
      });
    }
    const byProfile = new Map<string, BatchEvent[]>();
    for (const row of rows) {
      const id = profileOf(row.userId, row.anonymousId, map.userOf);
      if (!id) continue;
      const list = byProfile.get(id);
      if (list) list.push(row);
      else byProfile.set(id, [row]);
    }
    const merged = new Map<string, string[]>();
    for (const { userId, anonymousId } of links) {
      const user = `u:${userId}`;
      merged.set(user, [...(merged.get(user) ?? []), `a:${anonymousId}`]);
      if (!byProfile.has(user)) byProfile.set(user, []);
    }
    // In key order: the transaction's rewrites then walk the tables' pages in order (2× faster).
    // At most CATCH_UP_TX events, so one load and evaluation covers them all.
    const ids = [...byProfile.keys()].sort();
    const { summaries, anons } = await loadSummaries(sourceId, ids, coverage, merged);
    // The merged anonymous profiles are linked by now: their states load with their users'.
    const states = await statesOf(sourceId, ids, segments);
    const at = now();
    const flips: Flip[] = anons.flatMap((profileId) =>
      states.stateOf(profileId).current.flatMap((key) => {
        const segment = segments.find((s) => s.key === key);
        return segment ? [{ segment, profileId, kind: 'exit' as const, reason: 'merged' }] : [];
      }),
    );
    for (const id of ids) {
      appendEvents(summaries.get(id) as Summary, byProfile.get(id) as BatchEvent[], coverage);
    }
    const facts = (id: string) => toFacts(summaries.get(id) as Summary);
    const decided = decideAll(segments, ids, facts, states, at);
    flips.push(...decided.flips);
    stmts.push(...flipStatements(sourceId, flips, decided.checks, at));
    const forgotten = [...anons, ...decided.forgotten];
    if (forgotten.length) stmts.push(forgetProfilesStatement(sourceId, forgotten));
    const rewritten = ids.map((id): [string, Summary] => [id, summaries.get(id) as Summary]);
    stmts.push(...writeSummaries(sourceId, rewritten, anons));
  }

  /**
   * Evaluates profiles of events past the watermark, at most `limit` events' worth, batch by
   * batch. Each batch commits summaries, links, flips and the new watermark in one
   * transaction: a failure leaves all of them as they were, and the batch is read again.
   */
  async function catchUpNow(limit = Number.POSITIVE_INFINITY): Promise<number> {
    let processed = 0;
    while (processed < limit) {
      if (processed > 0) await yieldLoop();
      const started = performance.now();
      const waitedBefore = opts.lockWaitMs?.() ?? 0;
      const size = Math.min(CATCH_UP_TX, limit - processed);
      const batch = await readBatch(client, await watermark(), size);
      if (batch.count === 0) return processed;
      for (const sourceId of batch.bySource.keys()) await summariesOf(sourceId);
      const stmts: InStatement[] = [];
      try {
        for (const [sourceId, rows] of batch.bySource) await stageSource(sourceId, rows, stmts);
        stmts.push({
          sql: `INSERT INTO engine_state (name, value) VALUES (?, ?)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
          args: [WATERMARK, batch.last],
        });
        await client.batch(stmts, 'write');
      } catch (err) {
        // Links staged in memory never committed: reload them from the store.
        for (const sourceId of batch.bySource.keys()) identities.delete(sourceId);
        throw err;
      }
      const waited = (opts.lockWaitMs?.() ?? 0) - waitedBefore;
      catchUpBusyMs += performance.now() - started - waited;
      processed += batch.count;
    }
    return processed;
  }

  async function sweepNow(): Promise<number> {
    let done = 0;
    for (;;) {
      const r = await client.execute({
        sql: `SELECT source_id, profile_id FROM segment_profiles
          WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ${BATCH}`,
        args: [now()],
      });
      if (r.rows.length === 0) return done;
      const bySource = new Map<string, string[]>();
      for (const row of r.rows) {
        const s = String(row.source_id);
        bySource.set(s, [...(bySource.get(s) ?? []), String(row.profile_id)]);
      }
      for (const [sourceId, ids] of bySource) await evaluateProfiles(sourceId, ids);
      done += r.rows.length;
    }
  }

  /** Every profile of a source, chunk by chunk from its summaries, reporting progress. */
  async function recomputeNow(sourceId: string, segmentIds: string[] = []) {
    rules.delete(sourceId);
    await summariesOf(sourceId);
    const { segments } = await rulesOf(sourceId);
    const states = await loadSourceStates(client, sourceId, segments, now());
    for (const [anonymousId, userId] of (await identitiesOf(sourceId)).userOf) {
      states.addExitsOf(`a:${anonymousId}`, `u:${userId}`);
    }
    const known = states.profileIds();
    let total = await summaryCount(client, sourceId);
    const progress = (done: number) =>
      Promise.all(
        segmentIds.map((id) => store.update(id, { recomputeDone: done, recomputeTotal: total })),
      );
    await progress(0);
    let done = 0;
    const decideChunk = async (ids: string[], loaded: Map<string, Summary>) => {
      await decideProfiles(sourceId, ids, states, loaded);
      for (const id of ids) known.delete(id);
      done += ids.length;
    };
    for (let after = 0; ; ) {
      const chunk = await scanSummaries(client, sourceId, after, SCAN_CHUNK);
      if (chunk.count === 0) break;
      after = chunk.lastRowid;
      await decideChunk([...chunk.summaries.keys()], chunk.summaries);
      await progress(done);
      await yieldLoop();
    }
    // Profiles the engine knows with no summary left (retention emptied it): no events.
    const orphans = [...known];
    total = done + orphans.length;
    for (let i = 0; i < orphans.length; i += SCAN_CHUNK) {
      await decideChunk(orphans.slice(i, i + SCAN_CHUNK), new Map());
    }
    await progress(done);
    const at = now();
    for (const segment of segments) {
      await store.update(segment.id, { lastComputedAt: at, lastError: null });
    }
    return done;
  }

  /** Count and sample of profiles an unsaved rule would select now (reads only). */
  async function previewNow(sourceId: string, rule: Rule, sampleSize: number) {
    const { segments, coverage } = await rulesOf(sourceId);
    const needed = unionCoverage(coverage, coverageOf([rule]));
    const have = await summariesOf(sourceId);
    const at = now();
    const sample: string[] = [];
    let count = 0;
    let total = 0;
    const test = async (summaries: Map<string, Summary>) => {
      const ids = [...summaries.keys()];
      const states = await loadStates(client, sourceId, ids, segments);
      for (const id of ids) {
        const { current } = states.stateOf(id);
        const facts = toFacts(summaries.get(id) as Summary);
        if (!new Evaluation(facts, at, (k) => current.includes(k)).test(rule)) continue;
        count++;
        if (sample.length < sampleSize) sample.push(id);
      }
      total += ids.length;
      await yieldLoop();
    };
    if (covers(have, needed)) {
      for (let after = 0; ; ) {
        const chunk = await scanSummaries(client, sourceId, after, SCAN_CHUNK);
        if (chunk.count === 0) break;
        after = chunk.lastRowid;
        const { summaries } = await loadSummaries(
          sourceId,
          [...chunk.summaries.keys()],
          have,
          undefined,
          chunk.summaries,
        );
        await test(summaries);
      }
    } else {
      // The rule reads props the summaries do not keep: from events, as a rebuild would.
      const all = await rebuild(sourceId, needed);
      const ids = [...all.keys()];
      for (let i = 0; i < ids.length; i += SCAN_CHUNK) {
        await test(new Map(ids.slice(i, i + SCAN_CHUNK).map((id) => [id, all.get(id) as Summary])));
      }
    }
    return { count, total, sample };
  }

  /**
   * Drops summarised events older than `cutoff` (retention); affected profiles are re-checked.
   * A profile left without events also loses its identity links, which only those events
   * proved (the sweep then ends its stays and forgets it, see decideAll).
   */
  async function pruneNow(sourceId: string, cutoff: number): Promise<number> {
    let pruned = 0;
    for (let after = 0; ; ) {
      const chunk = await scanSummaries(client, sourceId, after, SCAN_CHUNK, cutoff);
      if (chunk.count === 0) return pruned;
      after = chunk.lastRowid;
      const changed = [...chunk.summaries].filter(([, s]) => pruneBefore(s, cutoff));
      if (changed.length) {
        const unlinked = changed.flatMap(([id, s]) =>
          s.events.length === 0 ? (splitProfileId(id).userId ?? []) : [],
        );
        await client.batch(
          [
            ...writeSummaries(sourceId, changed),
            recheckStatement(
              sourceId,
              changed.map(([id]) => id),
              now(),
            ),
            ...(unlinked.length ? [unlinkStatement(sourceId, unlinked)] : []),
          ],
          'write',
        );
        const map = identities.get(sourceId);
        for (const userId of unlinked) map?.removeUser(userId);
      }
      pruned += changed.length;
      await yieldLoop();
    }
  }

  /**
   * When the next paced catch-up is due. Wall-clock pacing, not the engine clock: this spaces
   * work, it decides no membership. The pauses leave the CPU to ingest: without a commit since
   * the last run began, ingest is idle and a backlog is cleared without them (53k events/s
   * against 20k in the ingest bench).
   */
  function catchUpDue() {
    const ratio = backlogSeen ? backloggedPauseRatio : catchUpPauseRatio;
    const gap = commitSeen ? Math.max(catchUpEveryMs, (1 + ratio) * lastCatchUpMs) : 0;
    return lastCatchUp + gap;
  }

  /** Catch-up after commits: paced (see catchUpDue), one batch a run. */
  function scheduleCatchUp() {
    if (closed || catchUpQueued) return;
    catchUpQueued = true;
    scheduledCatchUp = new Promise<void>((resolve) => {
      const arm = () => setTimeout(fire, Math.max(0, catchUpDue() - performance.now())).unref();
      const fire = () => {
        if (closed) return resolve();
        // A backlogged commit since the timer was set lengthens the pause.
        if (catchUpDue() > performance.now()) return void arm();
        const run = enqueue(async () => {
          catchUpQueued = false;
          commitSeen = false;
          backlogSeen = false;
          lastCatchUp = performance.now();
          catchUpBusyMs = 0;
          const processed = await catchUpNow(BATCH);
          // Time the engine held the thread, not the requests served between its transactions.
          lastCatchUpMs = catchUpBusyMs;
          // A full batch may have left more behind it, which no further commit may announce.
          if (processed >= BATCH) scheduleCatchUp();
        });
        run.then(resolve, resolve);
      };
      arm();
    });
  }

  /**
   * Queues `task` behind the catch-up that commits have already announced, which is paced and
   * may not be queued yet. Sweeps and recomputes decide memberships at `now`: before those
   * events are in, a buyer whose cart wait just ended entered cart-abandoners (with a webhook)
   * and left again on the catch-up a moment later.
   */
  function enqueueAfterCatchUp<T>(task: () => Promise<T>): Promise<T> {
    const run = scheduledCatchUp.then(() => {
      // close() waited for the queue, not for this: the database may be closed by now.
      if (closed) throw new Error('segment engine closed');
      return enqueue(task);
    });
    // enqueue logs a failure; callers that do not wait must not leave a rejection unhandled.
    run.catch(() => undefined);
    return run;
  }

  return {
    /**
     * The engine can no longer work (its thread stopped, see engine-thread.ts); one in this
     * thread stops only with the process.
     */
    failed: false as boolean,
    /** Count and sample of profiles an unsaved rule would select now, all stored events in. */
    preview: (sourceId: string, rule: Rule, sampleSize: number) =>
      enqueue(async () => {
        await catchUpNow();
        return previewNow(sourceId, rule, sampleSize);
      }),
    /** Rebuilds a source's facts summaries from its events; returns how many profiles. */
    rebuildFacts: (sourceId: string) =>
      enqueue(async () => rebuildSource(sourceId, (await rulesOf(sourceId)).coverage)),
    /** Retention: drops summarised events older than `cutoff` (events themselves are gone). */
    pruneFacts: (sourceId: string, cutoff: number) => enqueue(() => pruneNow(sourceId, cutoff)),
    /**
     * Runs `task` (an erasure) while the engine does nothing else, so no summary read before
     * it is written back after it; identity links are reloaded afterwards.
     */
    exclusive: <T>(task: () => Promise<T>) =>
      enqueue(async () => {
        try {
          return await task();
        } finally {
          identities.clear();
        }
      }),
    /** A deleted segment's memberships, history and webhooks go with it. */
    segmentDeleted: (sourceId: string, segmentId: string) =>
      enqueue(async () => {
        await deleteSegmentData(client, segmentId);
        rules.delete(sourceId);
      }),
    /** Called by the ingest writer after each commit (see createWriter). */
    onCommit: (backlogged = false) => {
      commitSeen = true;
      if (backlogged) backlogSeen = true;
      scheduleCatchUp();
    },
    catchUp: () => enqueue(catchUpNow),
    deliverWebhooks: () => opts.webhooks?.deliverDue() ?? Promise.resolve(0),
    sweep: () => enqueueAfterCatchUp(sweepNow),
    /** Full recompute of a source; a failure is kept as the segments' lastError. */
    recompute: (sourceId: string, segmentIds: string[] = []) =>
      enqueueAfterCatchUp(async () => {
        try {
          return await recomputeNow(sourceId, segmentIds);
        } catch (err) {
          const lastError = `recompute failed: ${String((err as Error)?.message ?? err)}`;
          for (const id of segmentIds) await store.update(id, { lastError });
          throw err;
        }
      }),
    /** Drops cached rules after a segment changed; call recompute to apply them to everyone. */
    rulesChanged(sourceId: string) {
      rules.delete(sourceId);
    },
    /** Resolves once every task queued so far, and any catch-up a commit scheduled, is done. */
    idle: async () => {
      // A full batch schedules the next run before its own promise resolves.
      for (let seen: Promise<void> | undefined; seen !== scheduledCatchUp; ) {
        seen = scheduledCatchUp;
        await seen;
      }
      await enqueue(async () => undefined);
    },
    start() {
      if (opts.sweepEveryMs) {
        timer = setInterval(() => {
          void enqueueAfterCatchUp(sweepNow);
          // Unhandled, a failed pass (the database busy or out of reach) would end the engine's
          // thread, or the process when the engine runs in it.
          opts.webhooks?.deliverDue().catch((err: unknown) => {
            log('webhook delivery pass failed', { error: stackOf(err) });
          });
        }, opts.sweepEveryMs);
        timer.unref();
      }
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await queue;
      await opts.webhooks?.stop();
    },
    factsOf,
    /** The user an anonymous id is linked to, if any. */
    userOf: async (sourceId: string, anonymousId: string) =>
      (await identitiesOf(sourceId)).userOf.get(anonymousId),
    anonymousIdsOf: async (sourceId: string, userId: string) =>
      (await identitiesOf(sourceId)).anonymousIdsOf(userId),
  };
}

export type SegmentEngine = ReturnType<typeof createSegmentEngine>;
