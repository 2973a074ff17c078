import { describe, expect, it } from 'vitest';
import type { ContextFacts } from '../../../collector/segments/facts.js';
import { KnownContext } from '../../../collector/segments/known-context.js';

type Event = [facts: ContextFacts, ts: number, seq: number];
const android: ContextFacts = { deviceType: 'mobile', os: 'android', browser: 'chrome' };
const german: ContextFacts = { locale: 'de-DE', language: 'de' };
const spring: ContextFacts = { utmSource: 'news', utmMedium: 'email', utmCampaign: 'spring' };

const fold = (events: Event[]) => {
  const known = new KnownContext();
  for (const [facts, ts, seq] of events) known.add(facts, ts, seq);
  return known;
};
const factsOf = (k: KnownContext) => (k.json ? JSON.parse(k.json) : {});
/** Round trip through the stored form, as a catch-up reads a summary back. */
const stored = (k: KnownContext) => new KnownContext(k.json, k.stampsText);

describe('known context', () => {
  it('keeps each field from the latest event that carries it', () => {
    const k = fold([
      [{ ...android, ...german }, 10, 1],
      [{}, 20, 2],
      [{ browser: 'firefox' }, 30, 3],
    ]);
    expect(factsOf(k)).toEqual({ ...android, browser: 'firefox', ...german });
  });

  it('a back-dated event does not overwrite a newer value, but fills fields never seen', () => {
    const k = stored(fold([[{ os: 'ios' }, 100, 5]]));
    k.add({ os: 'android', ...german }, 50, 9);
    expect(factsOf(k)).toEqual({ os: 'ios', ...german });
    // Same time: the later seq wins.
    k.add({ os: 'android' }, 100, 6);
    expect(factsOf(k)).toEqual({ os: 'android', ...german });
  });

  it('any event order gives the same stored context', () => {
    const events: Event[] = [
      [{ ...android, ...spring }, 30, 1],
      [{ utmSource: 'ads', consent: { analytics: true, marketing: false } }, 20, 2],
      [german, 40, 3],
      [{ os: 'ios', consent: { analytics: true, marketing: true } }, 10, 4],
      [{}, 50, 5],
    ];
    const forward = fold(events);
    const backward = fold([...events].reverse());
    expect([backward.json, backward.stampsText]).toEqual([forward.json, forward.stampsText]);
    expect(factsOf(forward)).toEqual({
      ...android,
      ...german,
      ...spring,
      consent: { analytics: true, marketing: false },
    });
  });

  it('a campaign moves as a whole: a later campaign without a medium clears it', () => {
    const k = fold([
      [spring, 10, 1],
      [{ utmSource: 'ads', utmCampaign: 'summer' }, 20, 2],
    ]);
    expect(factsOf(k)).toEqual({ utmSource: 'ads', utmCampaign: 'summer' });
  });

  it('merging takes the later value of each field from either side', () => {
    const user = fold([[{ os: 'ios', ...german }, 100, 1]]);
    const anon = fold([
      [{ os: 'android', locale: 'fr-FR', language: 'fr' }, 50, 2],
      [spring, 60, 3],
    ]);
    user.merge(stored(anon));
    expect(factsOf(user)).toEqual({ os: 'ios', ...german, ...spring });
  });

  it('pruning forgets values of events before the cutoff, and empty is the unset form', () => {
    const k = stored(
      fold([
        [android, 10, 1],
        [german, 30, 2],
      ]),
    );
    k.pruneBefore(20);
    expect(factsOf(k)).toEqual(german);
    k.pruneBefore(40);
    expect([k.json, k.stampsText]).toEqual(['', '']);
  });
});
