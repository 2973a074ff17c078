import {
  ME_SEGMENTS_PATH,
  type MeSegment,
  type MeSegmentsResponse,
} from '../shared/me-segments.js';
import { withUtm } from '../shared/utm-query.js';
import { localGet, localSet } from './local.js';

/** The visitor's segments, cached for a minute (`sgm.seg`); reset() removes them. */
export const SEGMENTS_KEY = 'seg';
const CACHE_MS = 60_000;
const LINKS = 'a[data-segmently-utm]';

interface Cached {
  aid: string;
  at: number;
  segments: MeSegment[];
}

/**
 * The url with the UTM template of segment `key` if the visitor is in it (else of their
 * first segment) added to it (see withUtm). Never throws.
 */
export function tagUrl(url: string, segments: MeSegment[], key?: string): string {
  try {
    const template = (key ? segments.find((s) => s.key === key) : segments[0])?.utm;
    const here = location.href.split('#')[0];
    const u = new URL(url, here);
    // Only links to pages: not mailto:, tel:, javascript: or an anchor on this page, however
    // written (a marked link's href is absolute): tagging it would make the jump a reload.
    if (!template || u.href.startsWith(`${here}#`) || !/^https?:$/.test(u.protocol)) return url;
    return withUtm(u, template);
  } catch {
    return url;
  }
}

/**
 * Per-segment UTM tagging: `tag(url, segmentKey?)` and links marked `data-segmently-utm`
 * (its value, if any, names the segment). The visitor's segments come from the collector,
 * only with personalization or marketing consent, cached for a minute.
 */
export function createUtm(
  apiHost: string,
  writeKey: string,
  anonymousId: () => string,
  allowed: () => boolean,
) {
  let segments: MeSegment[] = [];
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    const aid = anonymousId();
    const cached = localGet<Cached>(SEGMENTS_KEY);
    const fresh = cached?.aid === aid && Date.now() - cached.at < CACHE_MS;
    segments = fresh && allowed() ? cached.segments : [];
    if (!allowed()) return;
    if (!fresh) {
      const query = new URLSearchParams({ writeKey, anonymousId: aid });
      const res = await fetch(`${apiHost}${ME_SEGMENTS_PATH}?${query}`, { credentials: 'omit' });
      if (!res.ok) return;
      segments = ((await res.json()) as MeSegmentsResponse).segments;
      localSet(SEGMENTS_KEY, { aid, at: Date.now(), segments });
    }
    tagLinks();
  }

  /** Loads the visitor's segments (from the cache while fresh); one request at a time. */
  const refresh = () => {
    loading ??= load()
      .catch(() => {})
      .finally(() => (loading = undefined));
  };
  const tag = (url: string, key?: string) => {
    refresh();
    return tagUrl(url, segments, key);
  };
  function tagLinks() {
    for (const a of document.querySelectorAll<HTMLAnchorElement>(LINKS))
      a.href = tagUrl(a.href, segments, a.dataset.segmentlyUtm);
  }

  // Ask the collector only for pages that have marked links (or call tag()); links added
  // later are tagged when clicked.
  const retag = () => {
    // The cache is personalization data: it goes with that consent (analytics may stay).
    if (!allowed()) localSet(SEGMENTS_KEY);
    if (document.querySelector(LINKS)) refresh();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', retag);
  else retag();
  document.addEventListener(
    'click',
    (e) => {
      const a = (e.target as Element | null)?.closest?.<HTMLAnchorElement>(LINKS);
      if (a) a.href = tag(a.href, a.dataset.segmentlyUtm);
    },
    true,
  );
  /**
   * `retag`: after a consent change or a new identity, for the page's marked links; drops the
   * cached segments once they may no longer be used.
   */
  return { tag, retag };
}
