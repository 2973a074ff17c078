import { beforeEach, describe, expect, it } from 'vitest';
import { landingTouches, parseCampaign } from '../../sdk/campaign.js';
import { nextSession, SESSION_TIMEOUT_MS } from '../../sdk/session.js';

describe('parseCampaign', () => {
  it("reads utm_* in Segment's context.campaign shape and the ad click ids", () => {
    expect(
      parseCampaign(
        '?utm_source=tiktok&utm_medium=paid&utm_campaign=spring&utm_term=mug&utm_content=v2&ttclid=T1&fbclid=F1&gclid=G1&msclkid=M1&other=x',
      ),
    ).toEqual({
      source: 'tiktok',
      medium: 'paid',
      name: 'spring',
      term: 'mug',
      content: 'v2',
      ttclid: 'T1',
      fbclid: 'F1',
      gclid: 'G1',
      msclkid: 'M1',
    });
  });

  it('decodes values and ignores empty ones; no parameters → no campaign', () => {
    expect(parseCampaign('?utm_source=news%20letter&utm_medium=')).toEqual({
      source: 'news letter',
    });
    expect(parseCampaign('?q=1')).toBeUndefined();
    expect(parseCampaign('')).toBeUndefined();
  });
});

describe('landingTouches', () => {
  beforeEach(() => localStorage.clear());

  it('keeps the first touch and moves the last touch', () => {
    expect(landingTouches('')).toEqual({});
    expect(landingTouches('?utm_source=tiktok&ttclid=T1')).toEqual({
      campaign: { source: 'tiktok', ttclid: 'T1' },
      firstCampaign: { source: 'tiktok', ttclid: 'T1' },
    });
    expect(landingTouches('?page=2')).toEqual({
      campaign: { source: 'tiktok', ttclid: 'T1' },
      firstCampaign: { source: 'tiktok', ttclid: 'T1' },
    });
    expect(landingTouches('?utm_source=google&gclid=G1')).toEqual({
      campaign: { source: 'google', gclid: 'G1' },
      firstCampaign: { source: 'tiktok', ttclid: 'T1' },
    });
  });
});

describe('nextSession', () => {
  const t0 = Date.parse('2026-01-01T10:00:00Z');

  it('continues while events come within 30 minutes of each other', () => {
    const s = nextSession(undefined, t0);
    const later = nextSession(s, t0 + SESSION_TIMEOUT_MS - 1);
    expect(later).toEqual({ id: s.id, start: t0, last: t0 + SESSION_TIMEOUT_MS - 1 });
    expect(nextSession(later, t0 + 2 * SESSION_TIMEOUT_MS - 2).id).toBe(s.id);
  });

  it('starts a new session after 30 minutes of inactivity or a clock going back', () => {
    const s = nextSession(undefined, t0);
    const next = nextSession(s, t0 + SESSION_TIMEOUT_MS);
    expect(next.id).not.toBe(s.id);
    expect(next.start).toBe(t0 + SESSION_TIMEOUT_MS);
    expect(nextSession(s, t0 - 1000).id).not.toBe(s.id);
  });
});
