import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The consent banner chunk has a content-hashed name: the newest build's is the one in use. */
const bannerChunk = () => {
  const built = readFileSync('dist/segmently.js', 'utf8').match(/banner-[\w-]+\.js/)?.[0];
  if (!built || !readdirSync('dist').includes(built)) throw new Error('banner chunk not built');
  return `dist/${built}`;
};

/** Budgets in gzip bytes. They only go down: a feature that needs more must pay for itself. */
const BUDGETS: [string, number, () => string][] = [
  ['dist/segmently.js', 8 * 1024, () => 'dist/segmently.js'],
  ['consent banner chunk (CSS included)', 6 * 1024, bannerChunk],
];

describe('SDK size budget', () => {
  it.each(BUDGETS)('%s stays within %i bytes gzip', (_, budget, file) => {
    const size = gzipSync(readFileSync(file()), { level: 9 }).length;
    console.log(`${file()}: ${size} bytes gzip (budget ${budget})`);
    expect(size).toBeLessThanOrEqual(budget);
  });
});
