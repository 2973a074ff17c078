let enabled = false;

export function setDebug(on: boolean): void {
  enabled = on;
}

export const debugging = (): boolean => enabled;

/** The SDK's one logger: silent unless debug mode is on. */
export function debugLog(...args: unknown[]): void {
  if (enabled) console.warn('[segmently]', ...args);
}

/** Wraps a public method so that nothing it throws or rejects with reaches the host page. */
export function safe<A extends unknown[], R>(fn: (...args: A) => R) {
  return (...args: A): R | undefined => {
    try {
      const result = fn(...args);
      if (result instanceof Promise) result.catch(debugLog);
      return result;
    } catch (e) {
      debugLog(e);
      return undefined;
    }
  };
}
