import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mayPersonalize } from '../../sdk/gate.js';
import { persistLocally } from '../../sdk/local.js';
import { createUtm, tagUrl } from '../../sdk/utm.js';
import type { MeSegmentsResponse } from '../../shared/me-segments.js';

let personalize = true;
const allowed = () => personalize;

const FIXTURE: MeSegmentsResponse = {
  segments: [
    {
      key: 'cart-abandoners',
      utm: { utm_source: 'segmently', utm_medium: 'email', utm_campaign: 'win-back' },
    },
    {
      key: 'vip',
      utm: {
        utm_source: 'segmently',
        utm_medium: 'site',
        utm_campaign: 'vip',
        utm_content: 'banner',
      },
    },
  ],
};

describe('tagUrl', () => {
  it("sets the first segment's template, or the named one's, over existing UTMs", () => {
    expect(tagUrl('https://shop.example/sale?utm_source=old&x=1', FIXTURE.segments)).toBe(
      'https://shop.example/sale?x=1&utm_source=segmently&utm_medium=email&utm_campaign=win-back',
    );
    // Other parameters stay as written: a signed URL still verifies.
    expect(tagUrl('https://cdn.example/f?q=a%20b&flag&sig=x%2By', FIXTURE.segments)).toBe(
      'https://cdn.example/f?q=a%20b&flag&sig=x%2By&utm_source=segmently&utm_medium=email&utm_campaign=win-back',
    );
    expect(tagUrl('/sale#top', FIXTURE.segments, 'vip')).toBe(
      `${location.origin}/sale?utm_source=segmently&utm_medium=site&utm_campaign=vip&utm_content=banner#top`,
    );
  });

  it('leaves the url alone when the visitor is in no (or not that) segment, or it is bad', () => {
    expect(tagUrl('https://shop.example/', [])).toBe('https://shop.example/');
    expect(tagUrl('https://shop.example/', FIXTURE.segments, 'nope')).toBe('https://shop.example/');
    expect(tagUrl('http://[bad', FIXTURE.segments)).toBe('http://[bad');
    for (const notAPage of [
      'mailto:a@b.example',
      'tel:+442079460958',
      'javascript:chat()',
      '#reviews',
    ])
      expect(tagUrl(notAPage, FIXTURE.segments)).toBe(notAPage);
  });

  it('leaves an anchor on this page alone however written (a marked link gives it absolute)', () => {
    history.replaceState(null, '', '/sale?x=1#top');
    const here = `${location.origin}/sale?x=1`;
    for (const anchor of [`${here}#reviews`, `${here}#`, '#', location.href])
      expect(tagUrl(anchor, FIXTURE.segments)).toBe(anchor);
    // The same path with another query, or another path, is another page.
    expect(tagUrl(`${location.origin}/sale#reviews`, FIXTURE.segments)).toContain('utm_source');
    expect(tagUrl(`${location.origin}/other#reviews`, FIXTURE.segments)).toContain('utm_source');
  });
});

describe('createUtm against a /v1/me/segments fixture', () => {
  const fetchMock = vi.fn(async (_url: string) => Response.json(FIXTURE));
  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    persistLocally(true); // analytics granted: the cache lives in localStorage
    localStorage.clear();
    personalize = true;
    document.body.innerHTML = `
      <a id="any" data-segmently-utm href="https://shop.example/a">a</a>
      <a id="vip" data-segmently-utm="vip" href="https://shop.example/b">b</a>
      <a id="plain" href="https://shop.example/c">c</a>`;
  });
  afterEach(() => {
    fetchMock.mockClear();
    vi.unstubAllGlobals();
  });
  const href = (id: string) => (document.getElementById(id) as HTMLAnchorElement).href;

  it('asks with the write key and anonymous id, then tags the marked links', async () => {
    createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    await vi.waitFor(() => expect(href('any')).toContain('utm_campaign=win-back'));
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe(
      'https://c.example/v1/me/segments?writeKey=wk_1&anonymousId=anon-1',
    );
    expect(href('vip')).toContain('utm_campaign=vip');
    expect(href('plain')).toBe('https://shop.example/c');
  });

  it('caches the answer briefly: a second page load in the tab does not ask again', async () => {
    const first = createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    await vi.waitFor(() => expect(href('any')).toContain('utm_campaign'));
    const second = createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    await vi.waitFor(() => expect(second.tag('https://x.example/')).toContain('utm_campaign'));
    expect(first.tag('https://x.example/', 'vip')).toContain('utm_campaign=vip');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('does not ask for pages without marked links until tag() is called', async () => {
    document.body.innerHTML = '<a href="https://shop.example/c">c</a>';
    const utm = createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    utm.retag();
    await new Promise((r) => setTimeout(r, 0));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(utm.tag('https://x.example/')).toBe('https://x.example/'); // asks now, tags next time
    await vi.waitFor(() => expect(utm.tag('https://x.example/')).toContain('utm_campaign'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('does not tag a marked in-page anchor (it would reload the page)', async () => {
    document.body.innerHTML += '<a id="jump" data-segmently-utm href="#reviews">Reviews</a>';
    createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    await vi.waitFor(() => expect(href('any')).toContain('utm_campaign'));
    expect(href('jump')).toBe(`${location.href.split('#')[0]}#reviews`);
  });

  it('deletes the cached segments when personalization and marketing are withdrawn', async () => {
    const utm = createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    await vi.waitFor(() => expect(localStorage.getItem('sgm.seg')).toContain('win-back'));
    personalize = false; // analytics, which keeps sgm.* in localStorage, stays granted
    utm.retag();
    expect(localStorage.getItem('sgm.seg')).toBeNull();
    expect(utm.tag('https://x.example/')).toBe('https://x.example/');
  });

  it('does not ask at all without personalization or marketing consent', async () => {
    personalize = false;
    const utm = createUtm('https://c.example', 'wk_1', () => 'anon-1', allowed);
    expect(utm.tag('https://x.example/')).toBe('https://x.example/');
    await new Promise((r) => setTimeout(r, 0));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(href('any')).toBe('https://shop.example/a');
  });
});

describe('mayPersonalize (the gate for /v1/me/segments)', () => {
  it('needs personalization or marketing consent', () => {
    expect(mayPersonalize({ necessary: true, analytics: true })).toBe(false);
    expect(mayPersonalize({ personalization: true })).toBe(true);
    expect(mayPersonalize({ marketing: true })).toBe(true);
    expect(mayPersonalize({})).toBe(false);
  });
});
