import type { Segmently, SegmentlyOptions } from './api-types.js';
import { createSegmently } from './client.js';
import { consentFromDataset } from './consent/options.js';
import { debugLog, safe } from './log.js';

type Call = [string, ...unknown[]];
type Stub = ((...args: Call) => void) & { q?: IArguments[] | Call[] };
type Global = Segmently & ((...args: Call) => unknown);

declare global {
  interface Window {
    segmently?: Stub | Global;
  }
}

/**
 * Runs `segmently('track', ...)` or `segmently('consent.set', ...)` against the real API;
 * a bad call is logged, never thrown, and the calls queued after it still run.
 */
const dispatch = safe((api: Segmently, [path, ...args]: Call): unknown => {
  let target: unknown = api;
  let owner: unknown = api;
  for (const part of String(path).split('.')) {
    owner = target;
    target = (target as Record<string, unknown>)?.[part];
  }
  if (typeof target !== 'function') return debugLog('unknown method', path);
  return target.apply(owner, args);
});

function start(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const stub = window.segmently as Stub | undefined;
  if (stub && 'anonymousId' in stub) return; // loaded twice: keep the first instance
  const calls = [...(stub?.q ?? [])].map((a) => [...a] as Call);
  const data = script?.dataset ?? {};
  const options: SegmentlyOptions = {
    writeKey: data.writeKey ?? '',
    apiHost: data.apiHost || (script?.src ? new URL(script.src).origin : location.origin),
    debug: data.debug === 'true',
    autoPage: data.autoPage !== 'false',
  };
  const consent = consentFromDataset(data);
  for (const [name, init] of calls) if (name === 'init') Object.assign(options, init);
  options.consent = { ...consent, ...options.consent };

  const api = createSegmently(options);
  const global = ((...args: Call) => dispatch(api, args)) as Global;
  Object.defineProperties(global, Object.getOwnPropertyDescriptors(api));
  window.segmently = global;
  for (const call of calls) if (call[0] !== 'init') dispatch(api, call);
}

safe(start)();
