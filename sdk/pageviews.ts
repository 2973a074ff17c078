/**
 * Calls `onNavigate(previousUrl)` whenever a single-page app changes the URL: history
 * pushState / replaceState, back / forward (popstate) and hash changes. A replaceState that
 * keeps the URL (state only) is not a navigation.
 */
export function watchNavigations(onNavigate: (previousUrl: string) => void): void {
  let last = location.href;
  const check = () => {
    const previous = last;
    last = location.href;
    if (last !== previous) onNavigate(previous);
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    // A page that froze History's methods keeps them: back/forward and hash changes still count.
    try {
      history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        check();
        return result;
      };
    } catch {}
  }
  addEventListener('popstate', check);
  addEventListener('hashchange', check);
}
