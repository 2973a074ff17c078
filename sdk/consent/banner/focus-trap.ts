const FOCUSABLE = 'a[href],button,input:not([disabled])';

/** Keeps Tab and Shift+Tab inside `root`: a modal dialog must not let focus reach the page. */
export function trapFocus(root: HTMLElement): void {
  root.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null,
    );
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || active === root)) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first?.focus();
    }
  });
  // A click on the backdrop moves where Tab starts from out of the dialog, so the keydown above
  // never sees it: focus that reaches the page anyway is taken back while the dialog is open.
  const back = (e: FocusEvent) => {
    if (!root.isConnected) document.removeEventListener('focusin', back);
    else if (!root.contains(e.target as Node)) root.focus();
  };
  document.addEventListener('focusin', back);
}
