const waiting: Record<string, ((chunk: never) => void)[]> = {};

/**
 * Runs `use` with a lazily loaded chunk (built by rollup.config.ts, served from `/s/<file>`),
 * fetching it on first use only; the chunk registers itself as `window[name]`.
 */
export function withChunk<T>(
  apiHost: string,
  file: string,
  name: string,
  use: (chunk: T) => void,
): void {
  const w = window as unknown as Record<string, T | undefined>;
  const loaded = w[name];
  if (loaded) {
    use(loaded);
    return;
  }
  const queued = waiting[name];
  if (queued) {
    queued.push(use);
    return;
  }
  waiting[name] = [use];
  const script = document.createElement('script');
  script.src = `${apiHost}/s/${file}`;
  // Under a nonce-based CSP a script without the page's nonce is blocked (the banner with it).
  script.nonce = document.querySelector<HTMLElement>('[nonce]')?.nonce ?? '';
  script.onload = script.onerror = () => {
    const chunk = w[name];
    const uses = waiting[name] as ((chunk: never) => void)[];
    delete waiting[name];
    if (chunk) for (const fn of uses) fn(chunk as never);
  };
  document.head.append(script);
}
