import type { UtmTemplate } from './me-segments.js';

/**
 * `url` with the template's parameters added: they replace parameters of the same name, the
 * others stay as written (re-encoding them could break a signed URL).
 */
export function withUtm(url: URL, template: UtmTemplate): string {
  const given = Object.entries(template).filter(([, v]) => v) as [string, string][];
  const names = new Set(given.map(([k]) => k));
  const name = (pair: string) => {
    const raw = (pair.split('=')[0] as string).replace(/\+/g, ' ');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw; // a malformed escape: not one of ours
    }
  };
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair && !names.has(name(pair)));
  const added = given.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  const tagged = new URL(url);
  tagged.search = [...kept, ...added].join('&');
  return tagged.href;
}
