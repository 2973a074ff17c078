import { type CategoryPreferences, type ConsentCategory, isGranted } from '../../shared/consent.js';

const BLOCKED = 'script[type="text/plain"][data-consent]';

/** Runs every blocked script whose categories (space or comma separated) are all granted. */
export function activateScripts(prefs: CategoryPreferences): void {
  for (const old of document.querySelectorAll<HTMLScriptElement>(BLOCKED)) {
    const needs = (old.dataset.consent as string).split(/[\s,]+/) as ConsentCategory[];
    if (!needs.every((c) => isGranted(prefs, c))) continue;
    // A copy without its text: the attributes and the nonce (browsers hide it from the attribute).
    const script = old.cloneNode() as HTMLScriptElement;
    script.removeAttribute('type');
    script.removeAttribute('data-src');
    if (old.dataset.src) {
      script.src = old.dataset.src;
      script.async = old.async; // keep document order for src scripts unless marked async
    } else script.text = old.text;
    old.replaceWith(script);
  }
}

/** Blocked scripts added to the page later run as soon as their categories allow. */
export function watchScripts(prefs: () => CategoryPreferences): void {
  activateScripts(prefs());
  new MutationObserver(() => activateScripts(prefs())).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
}
