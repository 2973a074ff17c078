const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const DURATION_PATTERN = /^([1-9]\d{0,5})([smhdw])$/;

/** `"30s"`, `"90m"`, `"1h"`, `"30d"`, `"2w"` in milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const cache = new Map<string, number>();

/** For already-validated rules (cached: the evaluator asks millions of times). */
export function durationMs(text: string): number {
  let ms = cache.get(text);
  if (ms === undefined) {
    ms = parseDuration(text);
    if (ms === undefined) throw new Error(`invalid duration ${text}`);
    cache.set(text, ms);
  }
  return ms;
}
