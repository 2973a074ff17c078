import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hashEmail,
  hashPhone,
  hashTraits,
  normalizeEmail,
  normalizePhone,
} from '../../sdk/hash.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('normalisation as TikTok and Meta require', () => {
  it('trims and lower-cases e-mail', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });

  it('turns phones into E.164', () => {
    expect(normalizePhone('+1 (213) 373-4253')).toBe('+12133734253');
    expect(normalizePhone('0049 30 1234567')).toBe('+49301234567');
    expect(normalizePhone('030 1234567', '49')).toBe('+49301234567');
    expect(normalizePhone('030-123 4567', '+49')).toBe('+49301234567');
  });
});

describe('SHA-256 via WebCrypto', () => {
  it('hashes the normalised value (known digests from node:crypto)', async () => {
    expect(await hashEmail(' Ada@Example.com')).toBe(sha('ada@example.com'));
    expect(await hashPhone('(213) 373-4253', '1')).toBe(sha('+12133734253'));
  });

  it('leaves an already hashed value alone instead of hashing it twice', async () => {
    const once = sha('ada@example.com');
    expect(await hashEmail(once)).toBe(once);
  });

  it('replaces email and phone traits by their hashes and keeps the rest', async () => {
    const traits = await hashTraits({
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
      plan: 'pro',
    });
    expect(traits).toEqual({
      plan: 'pro',
      email_sha256: sha('ada@example.com'),
      phone_sha256: sha('+442079460958'),
    });
  });
});
