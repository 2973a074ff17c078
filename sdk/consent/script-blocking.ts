import { type CategoryPreferences, type ConsentCategory, isGranted } from '../../shared/consent.js';
import { trusted } from '../chunk-loader.js';
import { safe } from '../log.js';

const BLOCKED = 'script[type="text/plain"][data-consent]';

/**
 * Runs every blocked script whose categories (space or comma separated) are all granted; under
 * Trusted Types through the SDK's policy. What a page's policy refuses is logged, never thrown.
 */
export const activateScripts = safe((prefs: CategoryPreferences) => {
  for (const old of document.querySelectorAll<HTMLScriptElement>(BLOCKED)) {
    const needs = (old.dataset.consent as string).split(/[\s,]+/) as ConsentCategory[];
    if (!needs.every((c) => isGranted(prefs, c))) continue;
    // A copy without its text: attributes (event handlers too, which Trusted Types would refuse
    // through setAttribute) and the nonce, which browsers hide from the attribute.
    const script = old.cloneNode() as HTMLScriptElement;
    script.removeAttribute('type');
    script.removeAttribute('data-src');
    if (old.dataset.src) {
      script.src = trusted().createScriptURL(old.dataset.src);
      script.async = old.async; // keep document order for src scripts unless marked async
    } else script.text = trusted().createScript(old.text);
    old.replaceWith(script);
  }
});

/** Blocked scripts added to the page later run as soon as their categories allow. */
export function watchScripts(prefs: () => CategoryPreferences): void {
  activateScripts(prefs());
  new MutationObserver(() => activateScripts(prefs())).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
}
