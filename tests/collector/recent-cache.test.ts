import { describe, expect, it } from 'vitest';
import { createRecentCache } from '../../collector/recent-cache.js';

describe('recent cache', () => {
  it('holds at most maxEntries, forgetting the entries unused longest', () => {
    const cache = createRecentCache<number>(4);
    for (const k of ['a', 'b']) cache.set(k, 1);
    cache.set('c', 1); // 'a', 'b' become the previous generation
    expect(cache.get('a')).toBe(1); // used again: moves to the current one
    cache.set('d', 1); // current full ('c', 'a'): 'b' is dropped with the previous generation
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(1);
    expect(cache.get('d')).toBe(1);
  });

  it('deletes from either generation, and clears', () => {
    const cache = createRecentCache<string>(2);
    cache.set('old', 'v');
    cache.set('new', 'v'); // 'old' is in the previous generation now
    cache.delete('old');
    cache.delete('new');
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('new')).toBeUndefined();
    cache.set('k', 'v');
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
  });
});
