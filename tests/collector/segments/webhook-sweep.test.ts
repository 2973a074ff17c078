import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSegmentEngine, type SegmentEngine } from '../../../collector/segments/engine.js';
import { createSegmentStore } from '../../../collector/segments/segment-store.js';
import { type TestCollector, testCollector } from '../helpers.js';

let t: TestCollector;
let engine: SegmentEngine;
afterEach(async () => {
  await engine.close();
  await t.close();
});

describe('the sweep timer delivering webhooks', () => {
  it('logs a delivery pass that fails instead of leaving its rejection unhandled', async () => {
    t = await testCollector();
    const lines: { msg: string; fields?: object }[] = [];
    const { client, db } = t.deps.database;
    engine = createSegmentEngine({
      client,
      store: createSegmentStore(db, Date.now),
      now: Date.now,
      log: (msg, fields) => lines.push({ msg, fields }),
      sweepEveryMs: 10,
      // A remote database out of reach, or the file locked past the busy timeout.
      webhooks: {
        deliverDue: () => Promise.reject(new Error('SQLITE_BUSY: database is locked')),
        stop: async () => {},
      },
    });
    engine.start();
    await vi.waitFor(() =>
      expect(lines).toContainEqual({
        msg: 'webhook delivery pass failed',
        fields: { error: expect.stringContaining('SQLITE_BUSY') },
      }),
    );
  });
});
