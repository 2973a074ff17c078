import type { CompareOp, Scalar } from '../../shared/segment-rules.js';

/** Reads a dotted path (`contents.0.content_id`) from a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Numbers and numeric strings compare as equal when they print the same ("10" = 10). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const mixed =
    (typeof a === 'number' && typeof b === 'string') ||
    (typeof a === 'string' && typeof b === 'number');
  return mixed && String(a) === String(b);
}

/**
 * A key equal for two values exactly when `eq` matches them (see `same`); undefined for values
 * `eq` matches with nothing else (missing, null, objects).
 */
export function eqKey(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return `s${v}`;
  return typeof v === 'boolean' ? `b${v}` : undefined;
}

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'number' ? a : typeof a === 'string' && a !== '' ? Number(a) : Number.NaN;
  const y = typeof b === 'number' ? b : typeof b === 'string' && b !== '' ? Number(b) : Number.NaN;
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : undefined;
}

/** One comparison of a rule; a missing actual value matches only `neq`, `notIn`, `notExists`. */
export function compare(actual: unknown, op: CompareOp, expected: unknown): boolean {
  const missing = actual === undefined || actual === null;
  switch (op) {
    case 'exists':
      return !missing;
    case 'notExists':
      return missing;
    case 'eq':
      return !missing && same(actual, expected);
    case 'neq':
      return missing || !same(actual, expected);
    case 'in':
      return !missing && (expected as Scalar[]).some((v) => same(actual, v));
    case 'notIn':
      return missing || !(expected as Scalar[]).some((v) => same(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => same(v, expected));
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'startsWith':
      return typeof actual === 'string' && actual.startsWith(String(expected));
    default: {
      if (missing) return false;
      const d = order(actual, expected);
      if (d === undefined) return false;
      if (op === 'gt') return d > 0;
      if (op === 'gte') return d >= 0;
      if (op === 'lt') return d < 0;
      return d <= 0;
    }
  }
}
