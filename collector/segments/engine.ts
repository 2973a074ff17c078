import type { Client } from '@libsql/client';
import type { Rule } from '../../shared/segment-rules.js';
import type { Logger } from '../log.js';
import { orderByDependencies } from './dependencies.js';
import { Evaluation } from './evaluate.js';
import type { ProfileFacts } from './facts.js';
import { IdentityMap, profileOf } from './identity.js';
import {
  collectAllFacts,
  collectProfileFacts,
  FactsCollector,
  type PropsNeeded,
  propsNeeded,
} from './load-facts.js';
import { decideProfile, diffMemberships } from './membership.js';
import {
  deleteSegmentData,
  type Flip,
  loadSourceStates,
  loadStates,
  type StoredState,
  stateOf,
  writeFlips,
} from './membership-store.js';
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
  /** Profiles evaluated per slice before yielding to the event loop. */
  sliceSize?: number;
  /**
   * Least time between two catch-ups after commits (default 250 ms). Under load many
   * commits then share one catch-up, so a busy profile is evaluated once per interval
   * instead of once per commit; membership still follows within well under a second.
   */
  catchUpEveryMs?: number;
  /**
   * Under load, the pause after a commit-triggered catch-up is at least this many times
   * the catch-up's own duration (default 2): re-evaluating a profile reloads its history,
   * which costs more main-thread time than ingesting its event, so unpaced catch-ups took
   * most of the thread from ingestion. Membership then lags further only while the load lasts.
   */
  catchUpPauseRatio?: number;
}

interface SourceRules {
  segments: CompiledRow[];
  needed: PropsNeeded;
}

const WATERMARK = 'segments:watermark';
const BATCH = 5000;
/** Profiles whose histories load and evaluate in one go (~10 ms at 10 events each). */
const EVALUATE_SLICE = 500;
const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The segment engine: re-evaluates profiles touched by newly committed events (watermark
 * on events.seq), profiles whose `next_check_at` is due, and everyone after a rule change.
 * All work runs one task at a time on a queue, in slices, so ingestion never waits on it.
 */
export function createSegmentEngine(opts: EngineOptions) {
  const { client, store, now, log } = opts;
  const sliceSize = opts.sliceSize ?? 2000;
  const catchUpEveryMs = opts.catchUpEveryMs ?? 250;
  const catchUpPauseRatio = opts.catchUpPauseRatio ?? 2;
  let lastCatchUp = 0;
  let lastCatchUpMs = 0;
  let scheduledCatchUp: Promise<void> = Promise.resolve();
  const identities = new Map<string, IdentityMap>();
  const rules = new Map<string, SourceRules>();
  let queue: Promise<unknown> = Promise.resolve();
  let catchUpQueued = false;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
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

  async function rulesOf(sourceId: string): Promise<SourceRules> {
    let r = rules.get(sourceId);
    if (!r) {
      const segments = orderByDependencies((await store.ofSource(sourceId)).map(compile));
      r = { segments, needed: propsNeeded(segments.map((s) => s.rule)) };
      rules.set(sourceId, r);
    }
    return r;
  }

  /** Evaluates profiles whose facts are loaded and writes only real flips. */
  async function decide(
    sourceId: string,
    facts: Map<string, ProfileFacts>,
    ids: string[],
    preloaded?: Map<string, StoredState>,
  ) {
    const { segments } = await rulesOf(sourceId);
    const at = now();
    for (let i = 0; i < ids.length; i += sliceSize) {
      const slice = ids.slice(i, i + sliceSize);
      const states = preloaded ?? (await loadStates(client, sourceId, slice, segments));
      const flips: Flip[] = [];
      const checks: [string, number | null][] = [];
      for (const profileId of slice) {
        const state = stateOf(states, profileId);
        const profileFacts = facts.get(profileId) ?? { events: [], traits: {}, context: {} };
        const decision = decideProfile(profileFacts, segments, state, at);
        const { entered, exited } = diffMemberships(state.current, decision.members);
        for (const key of entered) {
          const segment = segments.find((s) => s.key === key) as CompiledRow;
          flips.push({ segment, profileId, kind: 'enter', reason: 'rule' });
        }
        for (const key of exited) {
          const segment = segments.find((s) => s.key === key);
          if (!segment) continue;
          flips.push({ segment, profileId, kind: 'exit', reason: 'rule' });
        }
        // Unseen profiles have undefined here, so they are always written.
        if (state.nextCheckAt !== decision.nextCheckAt) {
          checks.push([profileId, decision.nextCheckAt]);
        }
      }
      await writeFlips(client, sourceId, flips, checks, at);
      if (ids.length > sliceSize) await yieldLoop();
    }
  }

  async function factsOf(sourceId: string, profileIds: string[], needed?: PropsNeeded) {
    const collector = new FactsCollector(await identitiesOf(sourceId));
    const props = needed ?? (await rulesOf(sourceId)).needed;
    await collectProfileFacts(client, sourceId, profileIds, collector, props);
    return collector.finish(client);
  }

  /** In slices with a yield between them: each slice's reads block the event loop. */
  async function evaluateProfiles(sourceId: string, profileIds: string[]) {
    for (let i = 0; i < profileIds.length; i += EVALUATE_SLICE) {
      if (i > 0) await yieldLoop();
      const slice = profileIds.slice(i, i + EVALUATE_SLICE);
      await decide(sourceId, await factsOf(sourceId, slice), slice);
    }
  }

  /** A newly linked anonymous profile is merged into its user: its memberships close. */
  async function mergeAnonymous(sourceId: string, anonymousId: string) {
    const profileId = `a:${anonymousId}`;
    const { segments } = await rulesOf(sourceId);
    const state = stateOf(await loadStates(client, sourceId, [profileId], segments), profileId);
    const flips: Flip[] = [...state.current].flatMap((key) => {
      const segment = segments.find((s) => s.key === key);
      return segment ? [{ segment, profileId, kind: 'exit' as const, reason: 'merged' }] : [];
    });
    await writeFlips(client, sourceId, flips, [], now());
    await client.execute({
      sql: 'DELETE FROM segment_profiles WHERE source_id = ? AND profile_id = ?',
      args: [sourceId, profileId],
    });
  }

  async function linkIdentities(
    sourceId: string,
    rows: {
      userId: string | null;
      anonymousId: string | null;
      previousId: string | null;
      type: string;
    }[],
  ) {
    const map = await identitiesOf(sourceId);
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
      await client.execute({
        sql: `INSERT OR IGNORE INTO profile_links (source_id, anonymous_id, user_id, linked_at)
          VALUES (?, ?, ?, ?)`,
        args: [sourceId, anonymousId, row.userId, now()],
      });
      await mergeAnonymous(sourceId, anonymousId);
    }
  }

  async function watermark(): Promise<number> {
    const r = await client.execute({
      sql: 'SELECT value FROM engine_state WHERE name = ?',
      args: [WATERMARK],
    });
    return Number(r.rows[0]?.[0] ?? 0);
  }

  /** Evaluates profiles of events past the watermark, at most `limit` events' worth. */
  async function catchUpNow(limit = Number.POSITIVE_INFINITY): Promise<number> {
    let processed = 0;
    while (processed < limit) {
      const from = await watermark();
      // Packed like load-facts.ts: a batch read row by row through the driver cost more
      // main-thread time than evaluating it. Ids are never empty, so '' stands for NULL.
      const r = await client.execute({
        sql: `SELECT group_concat(concat(source_id, x'1f', user_id, x'1f', anonymous_id, x'1f',
            previous_id, x'1f', type, x'1f'), ''), max(seq), count(*)
          FROM (SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ${BATCH})`,
        args: [from],
      });
      const count = Number(r.rows[0]?.[2] ?? 0);
      if (count === 0) return processed;
      const f = String(r.rows[0]?.[0]).split('\x1f');
      const bySource = new Map<string, Parameters<typeof linkIdentities>[1]>();
      for (let i = 0; i + 5 <= f.length; i += 5) {
        const sourceId = f[i] as string;
        const list = bySource.get(sourceId) ?? [];
        list.push({
          userId: f[i + 1] || null,
          anonymousId: f[i + 2] || null,
          previousId: f[i + 3] || null,
          type: f[i + 4] as string,
        });
        bySource.set(sourceId, list);
      }
      for (const [sourceId, list] of bySource) {
        await linkIdentities(sourceId, list);
        const map = await identitiesOf(sourceId);
        const touched = new Set<string>();
        for (const row of list) {
          const id = profileOf(row.userId, row.anonymousId, map.userOf);
          if (id) touched.add(id);
        }
        await evaluateProfiles(sourceId, [...touched]);
      }
      const last = Number(r.rows[0]?.[1]);
      await client.execute({
        sql: `INSERT INTO engine_state (name, value) VALUES (?, ?)
          ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
        args: [WATERMARK, last],
      });
      processed += count;
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

  /** Every profile of a source, in slices, reporting progress on the given segments. */
  async function recomputeNow(sourceId: string, segmentIds: string[] = []) {
    rules.delete(sourceId);
    const { needed } = await rulesOf(sourceId);
    const collector = new FactsCollector(await identitiesOf(sourceId));
    await collectAllFacts(client, sourceId, collector, needed);
    const facts = await collector.finish(client);
    const states = await loadSourceStates(
      client,
      sourceId,
      (await rulesOf(sourceId)).segments,
      now(),
    );
    const all = [...new Set([...facts.keys(), ...states.keys()])];
    const progress = (done: number) =>
      Promise.all(
        segmentIds.map((id) =>
          store.update(id, { recomputeDone: done, recomputeTotal: all.length }),
        ),
      );
    await progress(0);
    for (let i = 0; i < all.length; i += sliceSize * 5) {
      await decide(sourceId, facts, all.slice(i, i + sliceSize * 5), states);
      await progress(Math.min(all.length, i + sliceSize * 5));
    }
    const at = now();
    for (const segment of (await rulesOf(sourceId)).segments) {
      await store.update(segment.id, { lastComputedAt: at, lastError: null });
    }
    return all.length;
  }

  /** Count and sample of profiles an unsaved rule would select now (reads only). */
  async function preview(sourceId: string, rule: Rule, sampleSize: number) {
    const { segments, needed } = await rulesOf(sourceId);
    const merged = propsNeeded([rule]);
    const all: PropsNeeded =
      needed === true || merged === true ? true : new Set([...needed, ...merged]);
    const collector = new FactsCollector(await identitiesOf(sourceId));
    await collectAllFacts(client, sourceId, collector, all);
    const facts = await collector.finish(client);
    const ids = [...facts.keys()];
    const at = now();
    const sample: string[] = [];
    let count = 0;
    for (let i = 0; i < ids.length; i += sliceSize) {
      const slice = ids.slice(i, i + sliceSize);
      const states = await loadStates(client, sourceId, slice, segments);
      for (const id of slice) {
        const current = stateOf(states, id).current;
        const evaluation = new Evaluation(facts.get(id) as ProfileFacts, at, (k) => current.has(k));
        if (!evaluation.test(rule)) continue;
        count++;
        if (sample.length < sampleSize) sample.push(id);
      }
      await yieldLoop();
    }
    return { count, total: ids.length, sample };
  }

  /** Catch-up after commits: paced (see catchUpEveryMs, catchUpPauseRatio), one batch a run. */
  function scheduleCatchUp() {
    if (closed || catchUpQueued) return;
    catchUpQueued = true;
    // Wall-clock pacing, not the engine clock: this spaces work, it decides no membership.
    const gap = Math.max(catchUpEveryMs, (1 + catchUpPauseRatio) * lastCatchUpMs);
    const wait = Math.max(0, lastCatchUp + gap - performance.now());
    scheduledCatchUp = new Promise<void>((resolve) =>
      setTimeout(() => {
        if (closed) return resolve();
        const run = enqueue(async () => {
          catchUpQueued = false;
          lastCatchUp = performance.now();
          const processed = await catchUpNow(BATCH);
          lastCatchUpMs = performance.now() - lastCatchUp;
          // A full batch may have left more behind it, which no further commit may announce.
          if (processed >= BATCH) scheduleCatchUp();
        });
        run.then(resolve, resolve);
      }, wait).unref(),
    );
  }

  return {
    preview,
    /** A deleted segment's memberships, history and webhooks go with it. */
    segmentDeleted: (sourceId: string, segmentId: string) =>
      enqueue(async () => {
        await deleteSegmentData(client, segmentId);
        rules.delete(sourceId);
      }),
    /** Called by the ingest writer after each commit. */
    onCommit: scheduleCatchUp,
    catchUp: () => enqueue(catchUpNow),
    deliverWebhooks: () => opts.webhooks?.deliverDue() ?? Promise.resolve(0),
    sweep: () => enqueue(sweepNow),
    /** Full recompute of a source; a failure is kept as the segments' lastError. */
    recompute: (sourceId: string, segmentIds: string[] = []) =>
      enqueue(async () => {
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
          void enqueue(sweepNow);
          void opts.webhooks?.deliverDue();
        }, opts.sweepEveryMs);
        timer.unref();
      }
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await queue;
    },
    factsOf,
    identitiesOf,
  };
}

export type SegmentEngine = ReturnType<typeof createSegmentEngine>;
