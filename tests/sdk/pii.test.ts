import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSha256Hex, normalizeEmail, normalizePhone } from '../../shared/pii.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('e-mail normalisation', () => {
  it('trims and lower-cases for Meta (the default)', () => {
    expect(normalizeEmail('  Ada.Lovelace+News@Example.COM \n')).toBe(
      'ada.lovelace+news@example.com',
    );
  });

  it('also drops a +tag for TikTok', () => {
    expect(normalizeEmail(' Ada.Lovelace+News@Example.COM', 'tiktok')).toBe(
      'ada.lovelace@example.com',
    );
    expect(normalizeEmail('ada@example.com', 'tiktok')).toBe('ada@example.com');
  });

  it('refuses what is no address', () => {
    for (const bad of ['', '   ', 'ada', 'ada@', '@example.com', 'a b@example.com', 'a@b@c'])
      expect(normalizeEmail(bad)).toBeUndefined();
  });
});

describe('phone normalisation: digits with country code, no +, no leading zeros', () => {
  it.each([
    ['+1 (213) 373-4253', undefined, '12133734253'],
    ['(650)555-1212', '1', '16505551212'], // Meta's example
    ['(657)777-0000', '+1', '16577770000'], // TikTok's example
    ['374-93-828222', undefined, '37493828222'], // TikTok's international example
    ['0049 30 1234567', '49', '49301234567'],
    ['+49 (0)30 1234567', undefined, '49301234567'],
    ['030 1234567', '49', '49301234567'],
    ['030-123 4567', '0049', '49301234567'],
    ['tel: +44 20 7946 0958', undefined, '442079460958'],
  ])('%s (country code %s) → %s', (raw, cc, expected) => {
    expect(normalizePhone(raw, cc)).toBe(expected);
  });

  it('does not add the country code to an international number', () => {
    expect(normalizePhone('+44 20 7946 0958', '49')).toBe('442079460958');
  });

  it('refuses too short or too long numbers', () => {
    expect(normalizePhone('12 34')).toBeUndefined();
    expect(normalizePhone('+1234567890123456')).toBeUndefined();
    expect(normalizePhone('call me')).toBeUndefined();
  });

  it('hashes to the digests the platforms document (node:crypto)', () => {
    // Meta's Conversions API example: (650)555-1212 → 16505551212 → e323ec62…
    expect(sha(normalizePhone('(650)555-1212', '1') ?? '')).toBe(
      'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
    );
    // Meta's e-mail example: John_Smith@gmail.com → 62a14e44…
    expect(sha(normalizeEmail('John_Smith@gmail.com') ?? '')).toBe(
      '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f',
    );
  });
});

it('recognises lower-case hex SHA-256 only', () => {
  expect(isSha256Hex(sha('x'))).toBe(true);
  expect(isSha256Hex(sha('x').toUpperCase())).toBe(false);
  expect(isSha256Hex(sha('x').slice(1))).toBe(false);
});
