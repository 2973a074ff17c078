import type { PageContext } from '../shared/wire.js';

export const LIBRARY = { name: 'segmently.js', version: '0.1.0' };

export function pageContext(): PageContext {
  const { href, pathname, search } = location;
  return { url: href, path: pathname, referrer: document.referrer, title: document.title, search };
}
