import type { UtmTemplate } from '../../shared/segment-rules.js';

/** Adds the template's UTM parameters to a URL, replacing ones already there. */
export function tagUrl(url: string, utm: UtmTemplate): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(utm)) if (v) u.searchParams.set(k, v);
  return u.toString();
}
