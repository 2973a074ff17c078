import { describe, expect, it } from 'vitest';
import { filterQuery, parseFilters } from '../../collector/dashboard/filters.js';
import { daysOf } from '../../collector/reports/scope.js';

const NOW = Date.parse('2026-05-20T15:30:00Z');

describe('dashboard filters', () => {
  it('defaults to the last 7 days ending today, all sources', () => {
    const f = parseFilters({}, NOW);
    expect(f).toEqual({
      sourceId: undefined,
      from: '2026-05-14',
      to: '2026-05-20',
      fromMs: Date.parse('2026-05-14T00:00:00Z'),
      toMs: Date.parse('2026-05-21T00:00:00Z'),
    });
    expect(daysOf(f)).toHaveLength(7);
  });

  it('takes a valid range and source, swaps a reversed one, ignores malformed days', () => {
    expect(parseFilters({ from: '2026-01-01', to: '2026-01-03', source: 's1' }, NOW)).toMatchObject(
      {
        sourceId: 's1',
        from: '2026-01-01',
        to: '2026-01-03',
      },
    );
    expect(parseFilters({ from: '2026-01-05', to: '2026-01-02' }, NOW)).toMatchObject({
      from: '2026-01-02',
      to: '2026-01-05',
    });
    expect(parseFilters({ from: '<script>', to: '2026-13-45' }, NOW)).toMatchObject({
      from: '2026-05-14',
      to: '2026-05-20',
    });
  });

  it('caps a range at a year', () => {
    const f = parseFilters({ from: '2000-01-01', to: '2026-05-20' }, NOW);
    expect(daysOf(f)).toHaveLength(366);
  });

  it('round-trips through the query string', () => {
    const f = parseFilters({ from: '2026-01-01', to: '2026-01-03', source: 'a&b' }, NOW);
    expect(filterQuery(f)).toBe('?source=a%26b&from=2026-01-01&to=2026-01-03');
    expect(filterQuery(f, { id: 'x' })).toContain('&id=x');
  });
});
