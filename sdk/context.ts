import type { PageContext } from '../shared/wire.js';

export const LIBRARY = { name: 'segmently.js', version: '0.1.0' };

let referrer: string | undefined;

/** After a single-page navigation the referrer is the app's previous URL. */
export function setReferrer(url: string): void {
  referrer = url;
}

export function pageContext(): PageContext {
  const { href, pathname, search } = location;
  return {
    url: href,
    path: pathname,
    referrer: referrer ?? document.referrer,
    title: document.title,
    search,
  };
}
