import { beforeEach, describe, expect, it } from 'vitest';
import { flushLock } from '../../sdk/flush-lock.js';
import { persistLocally } from '../../sdk/local.js';

describe('flushLock fallback (no Web Locks): a lease in localStorage', () => {
  beforeEach(() => {
    persistLocally(true); // analytics granted: the lease lives in localStorage
    localStorage.clear();
  });

  it('lets one tab flush while another skips, and frees the lease afterwards', async () => {
    expect(navigator.locks?.request).toBeUndefined(); // happy-dom: the fallback path
    const [tabA, tabB] = [flushLock(), flushLock()];
    let release = () => {};
    const running = tabA(() => new Promise<void>((r) => (release = r)));
    let ranB = false;
    expect(
      await tabB(async () => {
        ranB = true;
      }),
    ).toBe(false);
    expect(ranB).toBe(false);
    release();
    expect(await running).toBe(true);
    expect(await tabB(async () => {})).toBe(true);
  });

  it('frees the lease even when the flush fails, and ignores an expired one', async () => {
    const lock = flushLock();
    await expect(lock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock(async () => {})).toBe(true);
    localStorage.setItem('sgm.flush', String(Date.now() - 1)); // a crashed tab's lease
    expect(await lock(async () => {})).toBe(true);
  });
});
