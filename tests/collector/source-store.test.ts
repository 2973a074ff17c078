import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
