import type { CategoryPreferences } from '../../../shared/consent.js';
import type { BannerSetup } from '../banner-loader.js';
import { KEY } from '../record.js';
import { trapFocus } from './focus-trap.js';
import { CSS } from './styles.js';
import { textsFor } from './texts.js';

/** The page's nonce, which the loader gave this chunk: a nonce-based CSP blocks styles without it. */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

const el = <T extends HTMLElement = HTMLElement>(
  tag: string,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): T => {
  const node = Object.assign(document.createElement(tag), props) as T;
  node.append(...children);
  return node;
};

/**
 * The consent banner and preferences dialog, loaded only when the visitor must be asked or
 * reopens it: a modal dialog with equal-weight Accept all / Reject all, per-category toggles.
 */
function openBanner(setup: BannerSetup): void {
  document.getElementById('sgm-consent')?.remove();
  const t = textsFor(document.documentElement.lang || navigator.language, setup.texts);
  const previous = document.activeElement as HTMLElement | null;
  const toggles = setup.categories.map((category) =>
    el<HTMLInputElement>('input', {
      type: 'checkbox',
      name: category,
      checked: setup.prefs[category] === true,
      disabled: setup.gpc && category === 'marketing',
    }),
  );
  const fieldset = el<HTMLFieldSetElement>(
    'fieldset',
    { hidden: !setup.settings },
    el('legend', {}, t.customize),
    el('label', {}, el('input', { type: 'checkbox', checked: true, disabled: true }), t.necessary),
    ...toggles.map((input) => el('label', {}, input, t[input.name as keyof typeof t])),
  );
  const dismiss = () => {
    overlay.remove();
    previous?.focus?.();
  };
  const close = (prefs: CategoryPreferences, source: 'banner' | 'settings') => {
    dismiss();
    setup.decide(prefs, source);
  };
  const every = (on: boolean) => Object.fromEntries(setup.categories.map((c) => [c, on]));
  const button = (text: string, onclick: () => void, className = '') =>
    el('button', { type: 'button', className, onclick }, text);
  const showPreferences = (on: boolean) => {
    fieldset.hidden = !on;
    customize.textContent = on ? t.save : t.customize;
  };
  const customize = button(
    setup.settings ? t.save : t.customize,
    () => {
      if (fieldset.hidden) {
        showPreferences(true);
        toggles[0]?.focus();
      } else close(Object.fromEntries(toggles.map((i) => [i.name, i.checked])), 'settings');
    },
    'sgm-s',
  );
  const source = setup.settings ? 'settings' : 'banner';
  const dialog = el(
    'div',
    { className: 'sgm-d', tabIndex: -1, lang: t.lang },
    el('h2', { id: 'sgm-title' }, t.title),
    el(
      'p',
      { id: 'sgm-body' },
      `${t.body} `,
      ...(setup.policyUrl ? [el('a', { href: setup.policyUrl }, t.policy)] : []),
    ),
    fieldset,
    el(
      'div',
      { className: 'sgm-a' },
      button(t.accept, () => close(every(true), source)),
      button(t.reject, () => close(every(false), source)),
      customize,
    ),
  );
  for (const [k, v] of Object.entries({
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': 'sgm-title',
    'aria-describedby': 'sgm-body',
  }))
    dialog.setAttribute(k, v);
  const overlay = el(
    'div',
    { id: 'sgm-consent', className: 'sgm-o' },
    el('style', { nonce }, CSS),
    dialog,
  );
  trapFocus(dialog);
  // A decision stored in another tab of the site applies here at once (core.ts): stop asking.
  const elsewhere = (e: StorageEvent) => {
    if (!overlay.isConnected) removeEventListener('storage', elsewhere);
    else if (e.key === KEY) dismiss();
  };
  addEventListener('storage', elsewhere);
  // Escape steps back: from the preferences to the first layer, and from there it closes only
  // when a decision is already in force. A first ask needs a choice: Escape is never consent.
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!fieldset.hidden) {
      showPreferences(false);
      customize.focus();
    } else if (setup.decided) dismiss();
  });
  document.body.append(overlay);
  dialog.focus();
}

// The chunk can arrive while the document is still parsing its <head>.
window.segmentlyBanner = (setup) => {
  if (document.body) openBanner(setup);
  else addEventListener('DOMContentLoaded', () => openBanner(setup), { once: true });
};
