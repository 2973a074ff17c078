import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Budgets in gzip bytes. They only go down: a feature that needs more must pay for itself. */
const BUDGETS: Record<string, number> = {
  'dist/segmently.js': 8 * 1024,
};

describe('SDK size budget', () => {
  it.each(Object.entries(BUDGETS))('%s stays within %i bytes gzip', (file, budget) => {
    const size = gzipSync(readFileSync(file), { level: 9 }).length;
    console.log(`${file}: ${size} bytes gzip (budget ${budget})`);
    expect(size).toBeLessThanOrEqual(budget);
  });
});
