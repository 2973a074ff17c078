import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../collector/db/schema.js';
import { createSourceStore, newWriteKey } from '../../collector/sources/store.js';
import { type TestCollector, testCollector } from './helpers.js';

describe('source store', () => {
  let t: TestCollector;
  beforeAll(async () => {
    t = await testCollector();
  });
  afterAll(() => t.close());

  it('remembers an unknown write key until a source takes it', async () => {
    const { sources } = t.deps;
    const key = 'wk_not_yet_a_source';
    expect(await sources.byWriteKey(key)).toBeUndefined();
    const refused = await t.post('/v1/batch', { batch: [] }, t.basic(key));
    expect(refused.status).toBe(401);
    await sources.update(t.source.id, { writeKey: key });
    expect((await sources.byWriteKey(key))?.id).toBe(t.source.id);
    expect(await sources.byWriteKey(t.source.writeKey)).toBeUndefined();
  });
});

describe('source store over a database that answers out of order', () => {
  it('does not cache a key read before it was rotated away', async () => {
    const t = await testCollector();
    try {
      const { client } = t.deps.database;
      // A remote database answers each request on its own stream: a read sent before a
      // rotation can arrive after it.
      let hold: Promise<void> | undefined;
      const slowReads = new Proxy(client, {
        get(target, name, receiver) {
          if (name !== 'execute') return Reflect.get(target, name, receiver);
          return async (...args: Parameters<Client['execute']>) => {
            const result = await target.execute(...args);
            if (hold && /^select/i.test(String((args[0] as { sql?: string }).sql ?? args[0]))) {
              await hold;
            }
            return result;
          };
        },
      });
      const sources = createSourceStore(drizzle(slowReads, { schema }));
      const oldKey = t.source.writeKey;
      let answer: () => void = () => {};
      hold = new Promise((r) => (answer = r));
      const lookup = sources.byWriteKey(oldKey);
      await new Promise((r) => setImmediate(r));
      hold = undefined;
      await sources.update(t.source.id, { writeKey: newWriteKey() });
      answer();
      await lookup;
      expect(await sources.byWriteKey(oldKey)).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
