const waiting: Record<string, ((chunk: never) => void)[]> = {};

type Policy = Record<'createScript' | 'createScriptURL', (value: string) => string>;
/** Missing where the browser has no Trusted Types: the reference throws. */
declare const trustedTypes: { createPolicy(name: string, policy: Policy): Policy };
let policy: Policy | undefined;

/**
 * Script text and URLs as Trusted Types (CSP `require-trusted-types-for 'script'`) accept
 * them: through the SDK's policy `segmently`, made on first use. Plain strings where the
 * browser has no Trusted Types or the page's `trusted-types` list refuses the name: assigning
 * them then throws where Trusted Types are required.
 */
export function trusted(): Policy {
  // It vets nothing: only the SDK's chunk URLs and the page's own blocked scripts go through it.
  const pass = { createScript: String, createScriptURL: String };
  try {
    policy ??= trustedTypes.createPolicy('segmently', pass);
  } catch {
    policy = pass;
  }
  return policy;
}

/**
 * Runs `use` with a lazily loaded chunk (built by rollup.config.ts, served from `/s/<file>`),
 * fetching it on first use only; the chunk registers itself as `window[name]`. Throws where
 * Trusted Types refuse the script URL, before anything waits for it.
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
  const script = document.createElement('script');
  script.src = trusted().createScriptURL(`${apiHost}/s/${file}`);
  waiting[name] = [use];
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
