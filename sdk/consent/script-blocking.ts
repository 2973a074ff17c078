import { type CategoryPreferences, type ConsentCategory, isGranted } from '../../shared/consent.js';

const BLOCKED = 'script[type="text/plain"][data-consent]';

/** Runs every blocked script whose categories (space or comma separated) are all granted. */
export function activateScripts(prefs: CategoryPreferences): void {
  for (const old of document.querySelectorAll<HTMLScriptElement>(BLOCKED)) {
    const needs = (old.dataset.consent as string).split(/[\s,]+/) as ConsentCategory[];
    if (!needs.every((c) => isGranted(prefs, c))) continue;
    const script = document.createElement('script');
    for (const { name, value } of old.attributes)
      if (name !== 'type' && name !== 'data-src') script.setAttribute(name, value);
    // Browsers hide the nonce attribute (it reads as empty): only the property carries it.
    script.nonce = old.nonce;
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
