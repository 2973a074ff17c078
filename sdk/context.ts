import type { EventContext, JsonObject, PageContext } from '../shared/wire.js';
import type { Touches } from './campaign.js';
import { touchSession } from './session.js';

const LIBRARY = { name: 'segmently.js', version: '0.1.0' };

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

/** What every event carries in `context` (consent is stamped later, at admission). */
export function eventContext(touches: Touches, extra?: JsonObject): EventContext {
  return {
    library: LIBRARY,
    page: pageContext(),
    userAgent: navigator.userAgent,
    locale: navigator.language,
    session: touchSession(),
    ...touches,
    ...extra,
  };
}
