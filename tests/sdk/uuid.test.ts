import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../sdk/uuid.js';

describe('uuidv7', () => {
  it('has the RFC 9562 version and variant bits and encodes the time', () => {
    const id = uuidv7(Date.parse('2026-01-01T00:00:00.000Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(
      Date.parse('2026-01-01T00:00:00.000Z'),
    );
  });

  it('sorts in creation order, even within one millisecond', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 500 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
