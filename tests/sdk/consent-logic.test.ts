import { describe, expect, it } from 'vitest';
import { TEXTS, textsFor } from '../../sdk/consent/banner/texts.js';
import { consentModeState } from '../../sdk/consent/google-consent-mode.js';
import { consentFromDataset, isOptOut } from '../../sdk/consent/options.js';
import { gppPreferences, tcfPreferences } from '../../sdk/consent/signals.js';
import { mayCollect, mayStillSend, unknownCategory } from '../../sdk/gate.js';
import { consentDenial } from '../../shared/consent.js';
import type { WireEvent } from '../../shared/wire.js';

const event = (consent?: WireEvent['context'] extends infer C ? C : never): WireEvent => ({
  type: 'track',
  event: 'AddToCart',
  messageId: 'm1',
  context: consent,
});

describe('consent decision (shared by the SDK gate and the collector)', () => {
  it('fails closed: only an explicit grant of the needed category allows an event', () => {
    expect(consentDenial(undefined)).toBe('consent_missing');
    expect(consentDenial({ categoryPreferences: {} })).toBe('consent_denied');
    expect(consentDenial({ categoryPreferences: { analytics: false } })).toBe('consent_denied');
    expect(consentDenial({ categoryPreferences: { marketing: true } })).toBe('consent_denied');
    expect(consentDenial({ categoryPreferences: { analytics: true } })).toBeUndefined();
    expect(consentDenial({ categoryPreferences: {}, category: 'necessary' })).toBeUndefined();
    const marketing = { categoryPreferences: { marketing: true }, category: 'marketing' as const };
    expect(consentDenial(marketing)).toBeUndefined();
    expect(consentDenial({ ...marketing, gpc: true })).toBe('consent_gpc');
    expect(consentDenial(marketing, true)).toBe('consent_gpc');
  });

  it('gates events on the consent stamped on them and re-checks queued ones', () => {
    expect(mayCollect(event())).toBe(false);
    const granted = event({
      consent: { categoryPreferences: { analytics: true }, id: 'c', revision: 1 },
    });
    expect(mayCollect(granted)).toBe(true);
    expect(mayStillSend(granted, { categoryPreferences: { analytics: false } })).toBe(false);
    expect(mayStillSend(granted, { categoryPreferences: { analytics: true } })).toBe(true);
  });

  it('checks the category an event names, before and after it was queued', () => {
    const marketing = event({
      consent: { categoryPreferences: { analytics: true }, category: 'marketing' },
    });
    expect(mayCollect(marketing)).toBe(false);
    const now = (analytics: boolean, marketing: boolean) => ({
      categoryPreferences: { analytics, marketing },
    });
    expect(mayStillSend(marketing, now(false, true))).toBe(true);
    expect(mayStillSend(marketing, now(true, false))).toBe(false);
    const necessary = event({ consent: { categoryPreferences: {}, category: 'necessary' } });
    expect(mayCollect(necessary)).toBe(true);
    expect(mayStillSend(necessary, now(false, false))).toBe(true);
  });

  it('treats a name that is no category as a mistake (SDK) and as denied (both sides)', () => {
    for (const name of ['marketting', '', 'Marketing', 7, null])
      expect(unknownCategory(name)).toBe(true);
    for (const name of [undefined, 'necessary', 'marketing', 'personalization'])
      expect(unknownCategory(name)).toBe(false);
    const forged = { categoryPreferences: { ads: true }, category: 'ads' } as never;
    expect(consentDenial(forged)).toBe('consent_denied');
    expect(mayCollect(event({ consent: forged }))).toBe(false);
  });
});

describe('Google Consent Mode v2 mapping', () => {
  it('maps categories onto all seven keys', () => {
    expect(consentModeState({ analytics: true })).toEqual({
      ad_storage: 'denied',
      ad_user_data: 'denied',
      ad_personalization: 'denied',
      analytics_storage: 'granted',
      functionality_storage: 'denied',
      personalization_storage: 'denied',
      security_storage: 'granted',
    });
    const all = consentModeState({
      functional: true,
      analytics: true,
      marketing: true,
      personalization: true,
    });
    expect(Object.values(all).every((v) => v === 'granted')).toBe(true);
  });
});

describe('IAB signals', () => {
  const tc = (ids: number[]) => ({
    eventStatus: 'useractioncomplete',
    purpose: { consents: Object.fromEntries(ids.map((id) => [id, true])) },
  });
  it('maps TCF purposes onto categories (purpose 1 is needed for everything)', () => {
    expect(tcfPreferences(tc([1, 8, 9]))).toEqual({
      necessary: true,
      functional: true,
      analytics: true,
      marketing: false,
      personalization: false,
    });
    expect(tcfPreferences(tc([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toMatchObject({
      marketing: true,
      personalization: true,
    });
    expect(tcfPreferences(tc([2, 3, 4, 7, 8, 9]))).toMatchObject({
      analytics: false,
      marketing: false,
    });
  });

  it('maps GPP US opt-outs onto marketing and ignores non-US sections', () => {
    const ping = (parsed: unknown, sections = [7]) => ({
      signalStatus: 'ready',
      applicableSections: sections,
      parsedSections: { usnat: parsed },
    });
    expect(
      gppPreferences(ping([{ SaleOptOut: 2, SharingOptOut: 2 }, { Gpc: false }])),
    ).toMatchObject({
      analytics: true,
      marketing: true,
    });
    expect(gppPreferences(ping({ TargetedAdvertisingOptOut: 1 }))).toMatchObject({
      analytics: true,
      marketing: false,
    });
    expect(gppPreferences(ping({}, [2]))).toBeUndefined();
    expect(gppPreferences(ping({}, [-1]))).toBeUndefined();
  });
});

describe('site-owner configuration', () => {
  it('reads data-* attributes', () => {
    const el = document.createElement('script');
    el.setAttribute('data-consent-categories', 'analytics, marketing');
    el.setAttribute('data-consent-revision', '3');
    el.setAttribute('data-consent-opt-out-regions', 'US CA-ON');
    el.setAttribute('data-region', 'US-CA');
    el.setAttribute('data-policy-url', '/privacy');
    el.setAttribute('data-consent-banner', 'false');
    expect(consentFromDataset(el.dataset)).toMatchObject({
      categories: ['analytics', 'marketing'],
      revision: 3,
      optOutRegions: ['US', 'CA-ON'],
      region: 'US-CA',
      policyUrl: '/privacy',
      banner: false,
      hold: false,
    });
  });

  it('is opt-in everywhere unless opt-out is configured for all or for the region', () => {
    expect(isOptOut({})).toBe(false);
    expect(isOptOut({ mode: 'opt-out' })).toBe(true);
    expect(isOptOut({ optOutRegions: ['US'], region: 'US-CA' })).toBe(true);
    expect(isOptOut({ optOutRegions: ['US'], region: 'USX' })).toBe(false);
    expect(isOptOut({ optOutRegions: ['CA-ON'], region: 'CA-QC' })).toBe(false);
    expect(isOptOut({ optOutRegions: ['US'] })).toBe(false);
  });

  it('picks banner texts by language with owner overrides', () => {
    expect(textsFor('it-CH').accept).toBe('Accetta tutto');
    expect(textsFor('pt-BR').accept).toBe('Accept all');
    expect(textsFor('de', { de: { title: 'Cookies?' } })).toMatchObject({
      title: 'Cookies?',
      reject: 'Alle ablehnen',
    });
  });

  it("takes an owner's language for the page's regional tag, and names the language shown", () => {
    const nl = { ...TEXTS.en, title: 'Uw privacykeuzes', accept: 'Alles accepteren' };
    expect(textsFor('nl-BE', { nl })).toMatchObject({ accept: 'Alles accepteren', lang: 'nl-BE' });
    expect(textsFor('it-CH').lang).toBe('it-CH');
    // English shown on a page in another language: screen readers must read it as English.
    expect(textsFor('nl-BE')).toMatchObject({ accept: 'Accept all', lang: 'en' });
  });
});
